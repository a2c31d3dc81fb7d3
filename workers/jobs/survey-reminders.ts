import { queueSurveyReminders } from '../../api/domain/messages/survey-reminders.ts';
import type { ScheduledJob } from './index.ts';

/** At most one reminder per reply for citizens who have not rated it. */
export const surveyReminders: ScheduledJob = {
  async run(ctx) {
    await queueSurveyReminders(ctx);
  },
};
