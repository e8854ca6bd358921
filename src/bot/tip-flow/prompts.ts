// What the bot says at each step of the tip flow. Each prompt carries the step's key word
// (类别, 描述, 地点, 联系, 确认) so the citizen, and the tests, can tell where they are.
import { CATEGORIES, categoryInfo } from '../../tips/types.js';
import type { TipDraft, TipFlow } from '../conversation.js';
import type { TipCategoryKey } from '../ports.js';
import { findPersonalData } from '../../tips/rules/personal-data.js';
import { clip, maskPhone } from '../text.js';
import { ATTACHMENTS_ONLY } from './draft.js';

/** Numbered list for the category step: the citizen answers with a number or a name. */
export function categoryMenu(): string {
  return CATEGORIES.map((c, i) => `${i + 1}. ${c.name}（${c.hint}）`).join('\n');
}

export const categoryName = (key: TipCategoryKey): string => categoryInfo(key).name;

const EXIT_HINT = '（回复「返回」回到上一步，「取消」不再填写）';

export function categoryPrompt(): string {
  return `请选择您要反映的问题类别，回复前面的数字：\n${categoryMenu()}\n${EXIT_HINT}`;
}

export function suggestPrompt(key: TipCategoryKey): string {
  return `已记下您说的情况。听起来属于「${categoryName(key)}」类别，对吗？\n`
    + `对的话请回复「是」；不对请回复下面的数字：\n${categoryMenu()}`;
}

export function descriptionPrompt(draft: TipDraft): string {
  const fraudHint = draft.category === 'fraud'
    ? '\n（如果只是想看看一条短信是不是诈骗，回复「取消」后发「鉴诈」加上内容。）'
    : '';
  if (draft.description.length > 0) {
    return `已记下您的描述。还有要补充的，请接着发，文字、语音、照片都可以；说完了请回复「好了」。${fraudHint}`;
  }
  // Photos or a video alone so far (sent before the flow started, or at the category step).
  if (draft.attachments.length > 0) {
    return `您发的${draft.attachments.length}个照片、视频已放进来了。请再用文字或语音说说情况：什么时间、什么地方、发生了什么事；`
      + `说完了请回复「好了」。${fraudHint}`;
  }
  return '请描述一下情况：什么时间、什么地方、发生了什么事。\n'
    + `可以打字、发语音或照片，分几条发也可以；说完了请回复「好了」。${fraudHint}`;
}

export const MORE_HINT = '还有要补充的请接着发；说完了请回复「好了」。';

export function placePrompt(): string {
  return '事情发生在什么地点？\n'
    + '可以点输入框旁的「+」发送「位置」，也可以写上县（市、区）和乡镇，比如「沙县区凤岗街道」。\n'
    + '不清楚可以回复「跳过」。';
}

/** The place a location sent before the words gave the draft (held for it), said when its question is skipped. */
export function heldPlaceLine(place: NonNullable<TipDraft['place']>): string {
  return `地点：${place.label ?? place.text ?? '您发的位置'}（用的是您先前发的位置，不对可以回复「返回」修改）`;
}

export function contactPrompt(): string {
  return '请留下您的手机号，方便工作人员联系您（只用于办理这件事，严格保密）。\n'
    + '不想留也可以，回复「匿名」即可。';
}

function placeLine(draft: TipDraft): string {
  const p = draft.place;
  if (!p || p.skipped) return '未填写';
  // A location without a label: the citizen is not read its coordinates; staff see them.
  return p.label ?? p.text ?? (p.latitude !== undefined ? '您发送的位置' : '未填写');
}

// An anonymous tip keeps no original of what was masked in it (identityToSeal): the citizen who
// wrote their name or number into it, perhaps hoping to be called, should know nobody will see it.
const ANONYMOUS_MASKED = '您选了匿名：您写的姓名、电话等个人信息会隐去，工作人员看不到，也没法联系您。';

// An anonymous tip keeps a location's exact point for staff: sent from home, it would show where
// the reporter lives. They are told, and how to give the township instead.
const ANONYMOUS_LOCATION = '您选了匿名：您发送的位置，工作人员能看到具体在哪。如果是您家的位置，可以回复「修改」，改成写县和乡镇。';

export function confirmPrompt(draft: TipDraft): string {
  const media = draft.attachments.length > 0 ? `\n附件：${draft.attachments.length}个（照片、语音等）` : '';
  const contact = draft.contact?.phone ? maskPhone(draft.contact.phone) : '匿名';
  const description = draft.description.length > 0 ? clip(draft.description.join(' '), 120) : ATTACHMENTS_ONLY;
  const written = [...draft.description, draft.place?.text ?? ''].join('\n');
  const masked = !draft.contact?.phone && findPersonalData(written).length > 0 ? `${ANONYMOUS_MASKED}\n` : '';
  return '请核对您要反映的内容：\n'
    + `类别：${categoryName(draft.category ?? 'other')}\n`
    + `描述：${description}${media}\n`
    + `地点：${placeLine(draft)}\n`
    + `联系方式：${contact}\n`
    + masked
    + (!draft.contact?.phone && draft.place?.latitude !== undefined ? `${ANONYMOUS_LOCATION}\n` : '')
    + '没问题请回复「确认」提交；要改请回复「修改」；不提交请回复「取消」。';
}

/** 修改 at 确认: which part to answer again. */
export function editMenu(): string {
  return '要改哪一项？请回复前面的数字：\n1. 类别\n2. 描述（重新说一遍）\n3. 地点\n4. 联系方式\n不用改了，请回复「确认」提交。';
}

export function promptFor(flow: TipFlow): string {
  switch (flow.step) {
    case 'category': return flow.draft.suggested ? suggestPrompt(flow.draft.suggested) : categoryPrompt();
    case 'description': return descriptionPrompt(flow.draft);
    case 'place': return placePrompt();
    case 'contact': return contactPrompt();
    case 'confirm': return confirmPrompt(flow.draft);
  }
}

export const CANCELLED = '好的，已取消，这次填写的内容不会提交。需要时回复「举报」重新开始。';
