// The account's daily mass-send quota (群发), one ledger for every sender: an article's mass send
// (wechat-publish.ts) and an anti-fraud alert's mass sends by county tag (src/alerts/push). Each
// send holds a slot of its China-time day in `wechat_mass_quota` (migration 018); unique
// (quota_day, quota_slot) keeps the count right when two instances take the last slot at once:
// the second gets a UniqueConstraintError and counts again. A holder is named by its sender and
// an id known before the send is recorded (`article:<clientmsgid>`, `alert:<clientmsgid>`).
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize, type Transaction,
} from 'sequelize';

/** Today's mass sends (China time) against the configured quota. */
export interface MassQuota {
  day: string;
  perDay: number;
  used: number;
  left: number;
}

/** The Beijing date (YYYY-MM-DD) of an instant: the day WeChat's quota counts. */
export { shanghaiDayKey as chinaDay } from '../platform/beijing-time.js';

interface SlotRow extends Model<InferAttributes<SlotRow>, InferCreationAttributes<SlotRow>> {
  id: CreationOptional<number>;
  quotaDay: string;
  quotaSlot: number;
  holder: string;
  createdAt: Date;
}

function defineSlotModel(sequelize: Sequelize): ModelStatic<SlotRow> {
  return sequelize.define<SlotRow>('WechatMassQuota', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    quotaDay: { type: DataTypes.STRING(10), allowNull: false },
    quotaSlot: { type: DataTypes.INTEGER, allowNull: false },
    holder: { type: DataTypes.STRING(80), allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  }, { underscored: true, timestamps: false, tableName: 'wechat_mass_quota' });
}

export interface MassQuotaLedger {
  readonly perDay: number;
  usage(day: string, t?: Transaction): Promise<MassQuota>;
  /**
   * The lowest free slot of `day`, now held by `holder`; undefined when the day's quota is spent.
   * Throws UniqueConstraintError when another sender took the same slot meanwhile: count again.
   */
  take(day: string, holder: string, t?: Transaction): Promise<number | undefined>;
  /** A slot for each holder, or none at all (undefined) when fewer are free. Same race as `take`. */
  takeMany(day: string, holders: readonly string[], t?: Transaction): Promise<number[] | undefined>;
  /** Gives back every slot the holder has (a send WeChat refused outright, or never made). */
  release(holder: string, t?: Transaction): Promise<void>;
}

/** `perDay`: config `wechat.massQuotaPerDay`. `now` stamps the rows. */
export function createMassQuota(sequelize: Sequelize, perDay: number, now: () => Date = () => new Date()): MassQuotaLedger {
  const Slots = defineSlotModel(sequelize);
  const opts = (t?: Transaction) => (t ? { transaction: t } : {});

  async function free(day: string, t?: Transaction): Promise<number[]> {
    const rows = await Slots.findAll({ attributes: ['quotaSlot'], where: { quotaDay: day }, ...opts(t) });
    const taken = new Set(rows.map((r) => r.quotaSlot));
    const out: number[] = [];
    for (let slot = 1; slot <= perDay; slot += 1) if (!taken.has(slot)) out.push(slot);
    return out;
  }

  async function takeMany(day: string, holders: readonly string[], t?: Transaction): Promise<number[] | undefined> {
    const slots = (await free(day, t)).slice(0, holders.length);
    if (slots.length < holders.length) return undefined;
    for (const [i, holder] of holders.entries()) {
      await Slots.create({ quotaDay: day, quotaSlot: slots[i]!, holder, createdAt: now() }, opts(t));
    }
    return slots;
  }

  return {
    perDay,
    async usage(day, t) {
      const used = await Slots.count({ where: { quotaDay: day }, ...opts(t) });
      return { day, perDay, used, left: Math.max(0, perDay - used) };
    },
    async take(day, holder, t) {
      return (await takeMany(day, [holder], t))?.[0];
    },
    takeMany,
    async release(holder, t) {
      await Slots.destroy({ where: { holder }, ...opts(t) });
    },
  };
}
