/*
 * UI strings of the buying-group and accounts-in-motion cards on the Funnel
 * page (docs/metrics.md definition 19). Kept apart from messages.ts, which spreads them in; the
 * same rules apply ({name} placeholders, `ja` has every key of `en`).
 */

export const buyingGroupEn = {
  'buyingGroup.title': 'Buying group: who engaged before the deal',
  'buyingGroup.subtitle':
    'New deals closed in {period}, by the personas of the account’s contacts who engaged (a touch or a stage entry) in the lookback window before the opportunity; 95 % intervals',
  'buyingGroup.headline': 'Deals where {persona} was engaged before the proposal win {engaged} vs {missing} where they were not',
  'buyingGroup.headlineCounts': '{engagedWon} of {engagedClosed} deals against {missingWon} of {missingClosed}',
  'buyingGroup.col.persona': 'Persona',
  'buyingGroup.col.engaged': 'Engaged: win rate',
  'buyingGroup.col.missing': 'Missing: win rate',
  'buyingGroup.col.reading': 'Reading',
  'buyingGroup.cell': '{rate} ({won}/{closed})',
  'buyingGroup.interval': '95 % interval {low}–{high}',
  'buyingGroup.verdict.higher': 'Wins more',
  'buyingGroup.verdict.lower': 'Wins less',
  'buyingGroup.verdict.none': 'Within chance',
  'buyingGroup.note':
    'A difference is read only when the two 95 % intervals do not overlap. Persona mix differs by company size, so the other personas are compared among deals without {persona}.',
  'buyingGroup.empty': 'No new deal closed in {period}.',
  'buyingGroup.heldFixed': 'among deals without {persona}',
  'motion.title': 'Accounts in motion this week',
  'motion.subtitle': 'Week of {from} to {to}: {entered} accounts entered active consideration, {quiet} went quiet',
  'motion.col.account': 'Account',
  'motion.col.team': 'Team',
  'motion.col.event': 'Movement',
  'motion.col.engagements': 'Engagements, last 4 weeks',
  'motion.event.entered': 'Entered',
  'motion.event.went_quiet': 'Went quiet',
  'motion.reason.engagement': 'engagement crossed the threshold',
  'motion.reason.new_opportunity': 'new opportunity',
  'motion.reason.engagement_fell': 'engagement fell below the threshold',
  'motion.empty': 'No account entered consideration or went quiet in the week of {from}.',
};

export const buyingGroupJa: Record<keyof typeof buyingGroupEn, string> = {
  'buyingGroup.title': 'バイインググループ: 商談化前に誰が関与したか',
  'buyingGroup.subtitle':
    '{period} に終了した新規商談を、商談作成前の遡及期間に関与 (タッチまたはステージ遷移) した取引先の連絡先のペルソナ別に。95 % 信頼区間つき',
  'buyingGroup.headline': '{persona}が提案前に関与した商談の勝率は {engaged}、関与しなかった商談は {missing}',
  'buyingGroup.headlineCounts': '{engagedClosed} 件中 {engagedWon} 件受注 / {missingClosed} 件中 {missingWon} 件受注',
  'buyingGroup.col.persona': 'ペルソナ',
  'buyingGroup.col.engaged': '関与あり: 勝率',
  'buyingGroup.col.missing': '関与なし: 勝率',
  'buyingGroup.col.reading': '読み方',
  'buyingGroup.cell': '{rate} ({won}/{closed})',
  'buyingGroup.interval': '95 % 信頼区間 {low}–{high}',
  'buyingGroup.verdict.higher': '勝率が高い',
  'buyingGroup.verdict.lower': '勝率が低い',
  'buyingGroup.verdict.none': '偶然の範囲',
  'buyingGroup.note':
    '2 つの 95 % 信頼区間が重ならないときだけ差として読む。ペルソナの構成は企業規模で異なるため、他のペルソナは{persona}が関与しなかった商談の中で比べる。',
  'buyingGroup.empty': '{period} に終了した新規商談はありません。',
  'buyingGroup.heldFixed': '{persona}が関与しなかった商談の中で',
  'motion.title': '今週動いた取引先',
  'motion.subtitle': '{from}〜{to} の週: 検討が活発になった取引先 {entered} 社、静かになった取引先 {quiet} 社',
  'motion.col.account': '取引先',
  'motion.col.team': 'チーム',
  'motion.col.event': '動き',
  'motion.col.engagements': '直近4週の関与数',
  'motion.event.entered': '検討入り',
  'motion.event.went_quiet': '沈静化',
  'motion.reason.engagement': '関与が閾値を超えた',
  'motion.reason.new_opportunity': '商談作成',
  'motion.reason.engagement_fell': '関与が閾値を下回った',
  'motion.empty': '{from} の週に動いた取引先はありません。',
};
