/*
 * Japanese column labels and option values, as the vendors' Japanese UIs
 * write them into exports. Each entry names where it was read; none is a
 * translation of ours. A label or value no source below gives is not here
 * (an export that uses one gets the importer's "found … / missing …"
 * message, or its value listed as unmapped, and a mapping file fills it).
 * docs/import.md lists, per source, the labels read and those still missing.
 *
 * Salesforce
 *   [SF-1] Object reference (ja-jp), OpportunityHistory: the stage is 「フェーズ」,
 *          the close date 「[完了予定日]」.
 *          developer.salesforce.com/docs/atlas.ja-jp.196.0.object_reference.meta/object_reference/sforce_api_objects_opportunityhistory.htm
 *   [SF-2] Apex reference (ja-jp), LeadConvert: Status is 「リード状況」.
 *          developer.salesforce.com/docs/atlas.ja-jp.248.0.apexcode.meta/apexcode/apex_dml_convertLead.htm
 *   [SF-3] Salesforce Help (ja) 000385192: the report filter on IsConverted is 「[取引開始済み]」.
 *          help.salesforce.com/s/articleView?id=000385192&language=ja
 *   [SF-4] Trailhead (ja), report formats: 「[Created Date (作成日)]」.
 *          trailhead.salesforce.com/ja/content/learn/modules/lex_implementation_reports_dashboards/lex_implementation_reports_dashboards_report_formats
 *   [SF-5] The headers of Lead and Opportunity report exports made by a user whose
 *          Salesforce language is Japanese: リード ID, メール, リード状況, 作成日,
 *          商談名, フェーズ, 金額, 完了予定日, 取引先名.
 *   [SF-6] Object reference (ja-jp), OpportunityFieldHistory: OpportunityId's label is 「[商談 ID]」.
 *          developer.salesforce.com/docs/atlas.ja-jp.194.0.object_reference.meta/object_reference/sforce_api_objects_opportunityfieldhistory.htm
 *   [SF-7] Object reference (ja-jp), AccountHistory: AccountId's label is 「[取引先 ID]」 (and LeadHistory's
 *          LeadId 「[リード ID]」, as SF-5).
 *          developer.salesforce.com/docs/atlas.ja-jp.194.0.object_reference.meta/object_reference/sforce_api_objects_accounthistory.htm
 *   [SF-8] Salesforce Help (ja) 000383384: the Closed Won stage is written 「[成立]」 ("商談 フェーズ値 ([成立] など)",
 *          a report filtered on the 成立 status).
 *          help.salesforce.com/s/articleView?id=000383384&language=ja
 *   Not found in any source reachable here: the history reports' columns (Field / Event, Old Value,
 *   New Value, Edit Date, Last Modified, To Stage), Closed Lost and the open stages, the Lead Status
 *   values. Public org metadata shows orgs renaming Closed Won to 受注 or 成約 and Closed Lost to 失注
 *   (okayasujun/learning-bridge and sabapathyn/autorabittest, force-app/main/default/
 *   standardValueSetTranslations/OpportunityStage-ja.standardValueSetTranslation-meta.xml): these
 *   picklist values are the org's own, and a mapping file names them.
 *
 * HubSpot (knowledge.hubspot.com, Japanese)
 *   [HS-1] jp/articles/kcs_article/contacts/what-is-the-difference-between-lifecycle-stage-and-lead-status:
 *          lifecycle values サブスクライバー, リード, MQL, SQL, 商談, 顧客, エバンジェリスト, その他.
 *   [HS-2] ja/jp/contacts/use-lifecycle-stages (2024) and ja/contacts/use-lifecycle-stages (2023):
 *          the first stage written 登録読者 and 購読者.
 *   [HS-3] jp/articles/kcs_article/contacts/list-of-hubspot-s-default-contact-properties:
 *          stage-date properties 「リード(見込み客)になった日付」, 「MQL(マーケティング上の有望な
 *          見込み客)になった日付」, 「顧客に転換した日付」 (so: "<stage>(…)になった日付" and
 *          "<stage>に転換した日付").
 *   [HS-4] ja/contacts/understand-source-properties (2022) and jp/… (2021): 「オリジナルソース」 with
 *          values オーガニック検索, 検索連動型広告 (2021: 検索連動広告), Eメールマーケティング,
 *          オーガニックソーシャル, リファーラル, 他のキャンペーン, 直接トラフィック, オフラインソース,
 *          ソーシャル広告.
 *   [HS-5] ja/properties/hubspot-crm-default-company-properties: 「作成日」, 「会社のドメイン名」;
 *          ja/properties/hubspots-default-contact-properties: 「ライフサイクルステージ」 and the
 *          contact's 「Eメール」 address.
 *   [HS-6] ja/properties/hubspots-default-deal-properties: 「金額」, 「クローズ日」;
 *          ja/properties/hubspots-default-lead-properties: 「取引ステージ」;
 *          ja/object-settings/set-defaults-for-creating-deals: 「取引名」.
 *   [HS-7] jp/deals/how-to-use-multiple-pipelines-in-the-crm: closed stages 「成約」, 「失注」;
 *          ja/object-settings/automate-deal-pipelines: 「成立」, 「失注」.
 *   [HS-8] Public code that reads HubSpot's Japanese deal exports looks the id up as 「レコードID」
 *          (detect_col(…, ["取引id", "レコードid", "recordid", "dealid"])); HubSpot's own pages give
 *          no Japanese label for Record ID.
 *   Not found: the Japanese labels of "Company name" and of the association columns ("Associated
 *   Company IDs", "Associated Contact IDs"), and the open deal stages' Japanese names. A companies
 *   export is therefore not recognised in Japanese, and Japanese deals are read without their company.
 *
 * Marketo
 *   [MK-1] Marketo Engage developer docs (ja), 標準フィールド, friendly labels:
 *          email 「メールアドレス」, company 「企業名」, leadSource 「リードのソース」.
 *          experienceleague.adobe.com/ja/docs/marketo-developer/marketo/rest/assets/list-of-standard-fields
 *   Marketo's revenue stages and program channels are the subscription's own: a mapping names them.
 *   Not found: a Japanese label for createdAt (the standard field list has no row for it); a leads
 *   export is read with createdAt / Created At.
 */

export const SALESFORCE_JA = {
  leadId: 'リード ID', // SF-5
  email: 'メール', // SF-5
  leadStatus: 'リード状況', // SF-2, SF-5
  createdDate: '作成日', // SF-4, SF-5
  converted: '取引開始済み', // SF-3
  opportunityName: '商談名', // SF-5
  stage: 'フェーズ', // SF-1, SF-5
  amount: '金額', // SF-5
  closeDate: '完了予定日', // SF-1, SF-5
  accountName: '取引先名', // SF-5
  opportunityId: '商談 ID', // SF-6
  accountId: '取引先 ID', // SF-7
} as const;

export const SALESFORCE_JA_VALUES = {
  deal_status: {
    成立: 'won', // SF-8
  },
} as const;

export const HUBSPOT_JA = {
  recordId: 'レコードID', // HS-8
  email: 'Eメール', // HS-5
  lifecycleStage: 'ライフサイクルステージ', // HS-5
  createDate: '作成日', // HS-5
  originalSource: 'オリジナルソース', // HS-4
  companyDomain: '会社のドメイン名', // HS-5
  dealName: '取引名', // HS-6
  dealStage: '取引ステージ', // HS-6
  amount: '金額', // HS-6
  closeDate: 'クローズ日', // HS-6
} as const;

/** "リード(見込み客)になった日付", "顧客に転換した日付" → the stage as written before the parenthesis (HS-3). */
export const HUBSPOT_JA_STAGE_DATE = /^(.+?)\s*(?:[(（][^)）]*[)）])?\s*(?:になった日付|に転換した日付)$/;

export const HUBSPOT_JA_VALUES = {
  stages: {
    サブスクライバー: 'lead', // HS-1
    登録読者: 'lead', // HS-2
    購読者: 'lead', // HS-2
    リード: 'lead', // HS-1
    商談: 'opportunity', // HS-1
    顧客: 'won', // HS-1
    エバンジェリスト: null, // HS-1
    その他: null, // HS-1
  },
  channels: {
    オーガニック検索: 'seo', // HS-4, as ORGANIC_SEARCH
    検索連動型広告: 'web_ads', // HS-4, as PAID_SEARCH
    検索連動広告: 'web_ads', // HS-4 (2021)
    Eメールマーケティング: 'email', // HS-4, as EMAIL_MARKETING
    オーガニックソーシャル: 'social', // HS-4, as SOCIAL_MEDIA
    リファーラル: 'referral', // HS-4, as REFERRALS
    他のキャンペーン: 'content', // HS-4, as OTHER_CAMPAIGNS
    直接トラフィック: 'direct', // HS-4, as DIRECT_TRAFFIC
    オフラインソース: 'inside_sales', // HS-4, as OFFLINE
    ソーシャル広告: 'web_ads', // HS-4, as PAID_SOCIAL
  },
  deal_status: {
    成約: 'won', // HS-7
    成立: 'won', // HS-7
    失注: 'lost', // HS-7
  },
} as const;

export const MARKETO_JA = {
  email: 'メールアドレス', // MK-1
  company: '企業名', // MK-1
  leadSource: 'リードのソース', // MK-1
} as const;
