/*
 * UI strings of the schedules card on the Data page (docs/schedules.md).
 * Kept apart from messages.ts, which spreads them in; the same rules apply
 * ({name} placeholders, `ja` has every key of `en`).
 */

export const scheduleEn = {
  'schedules.title': 'Schedules and deliveries',
  'schedules.subtitle': 'From {file}: when each schedule is due next, its last runs and how each message fared',
  'schedules.empty': 'No schedule is configured. Add schedules.csv (see docs/schedules.md) to send SLA alerts and summaries.',
  'schedules.fileError': 'The schedules file was not read, so nothing is sent until it is fixed:',
  'schedules.col.id': 'Schedule',
  'schedules.col.kind': 'Kind',
  'schedules.col.rule': 'Rule (zone)',
  'schedules.col.target': 'Sent to',
  'schedules.col.next': 'Next due',
  'schedules.col.lastRuns': 'Last runs',
  'schedules.kind.sla_alert': 'SLA-breach alert',
  'schedules.kind.sla_weekly_summary': 'Weekly backlog summary',
  'schedules.kind.pack': 'Meeting pack (PDF)',
  'schedules.outcome.sent': 'Sent',
  'schedules.outcome.pending': 'Retrying',
  'schedules.outcome.failed': 'Failed',
  'schedules.outcome.nothing': 'Nothing to send',
  'schedules.outcome.error': 'Not made',
  'schedules.noRuns': 'Not run yet',
  'schedules.attempts': '{n} attempt(s)',
  'schedules.nextAttempt': 'next try {when}',
} as const;

export const scheduleJa: Record<keyof typeof scheduleEn, string> = {
  'schedules.title': '配信スケジュール',
  'schedules.subtitle': '{file} より: 次回予定、直近の実行と各メッセージの配信結果',
  'schedules.empty':
    '配信スケジュールは未設定です。SLA 超過アラートや週次サマリーを送るには schedules.csv を置いてください (docs/schedules.md)。',
  'schedules.fileError': 'スケジュールファイルを読めませんでした。直すまで配信は止まっています:',
  'schedules.col.id': 'スケジュール',
  'schedules.col.kind': '種類',
  'schedules.col.rule': 'ルール (タイムゾーン)',
  'schedules.col.target': '送信先',
  'schedules.col.next': '次回予定',
  'schedules.col.lastRuns': '直近の実行',
  'schedules.kind.sla_alert': 'SLA 超過アラート',
  'schedules.kind.sla_weekly_summary': '週次の滞留サマリー',
  'schedules.kind.pack': '定例会議パック (PDF)',
  'schedules.outcome.sent': '送信済み',
  'schedules.outcome.pending': '再送待ち',
  'schedules.outcome.failed': '送信失敗',
  'schedules.outcome.nothing': '送るものなし',
  'schedules.outcome.error': '作成できず',
  'schedules.noRuns': '未実行',
  'schedules.attempts': '{n} 回試行',
  'schedules.nextAttempt': '次の再送 {when}',
};
