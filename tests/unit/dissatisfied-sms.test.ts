import { describe, expect, it } from 'vitest';
import { dissatisfiedNextSms } from '../../api/domain/sms/words.ts';

/*
 * The SMS answer to a dissatisfied rating says what happens next (#18), with a
 * date read the way the office writes deadlines: a day's deadline is 24:00 of
 * its last day ("before" the next day in Chinese, "by the end of" it in
 * English); an hours' deadline names its time, Beijing time.
 */
describe('the answer to a dissatisfied SMS rating', () => {
  const endOfMonday = new Date('2026-05-26T00:00:00+08:00');
  const afternoon = new Date('2026-05-21T15:30:00+08:00');

  it('names the review date under DISSATISFIED_ACTION=flag', () => {
    expect(dissatisfiedNextSms({ action: 'flag', reviewDueAt: endOfMonday }, 'zh-CN')).toBe('感谢评价，已记录。办公室将在2026-05-26前复核这件投诉的办理情况。');
    expect(dissatisfiedNextSms({ action: 'flag', reviewDueAt: endOfMonday }, 'en')).toBe(
      'Thank you; your rating is recorded. The office will review how your case was handled by the end of 2026-05-25.',
    );
  });

  it('names the redo’s new reply deadline under DISSATISFIED_ACTION=reopen, with its time when it is not a whole day', () => {
    expect(dissatisfiedNextSms({ action: 'reopen', replyDueAt: endOfMonday }, 'zh-CN')).toBe('感谢评价，已记录。您的投诉已重新办理，将在2026-05-26前重新答复。');
    expect(dissatisfiedNextSms({ action: 'reopen', replyDueAt: afternoon }, 'zh-CN')).toBe('感谢评价，已记录。您的投诉已重新办理，将在2026-05-21 15:30前重新答复。');
    expect(dissatisfiedNextSms({ action: 'reopen', replyDueAt: afternoon }, 'en')).toBe(
      'Thank you; your rating is recorded. Your case is being handled again; the new reply is due by 2026-05-21 15:30.',
    );
  });
});
