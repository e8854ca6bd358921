// Column shapes for Sequelize models and migrations, so that a model's attributes match the
// table its migration made. Each call returns a fresh object: Sequelize writes into the
// attribute objects it is given (field, Model), so none is shared between models.
// The migrations use them too (migrations/helpers.ts): a change here changes what shipped
// migrations create, so a new shape is a new helper, never an edit of one.
import { DataTypes } from 'sequelize';

/** VARCHAR(n); nullable unless told. */
export const S = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
/** TEXT; not null unless told. */
export const T = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
/** DATETIME with milliseconds (DATE(3)): MariaDB keeps them, and queues order by them. Nullable unless told. */
export const D = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
/** INTEGER; not null unless told. */
export const I = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
/** The auto-increment integer primary key `id`. */
export const id = () => ({ type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true });
