/**
 * The request body to paste into ConfigCat (Webhooks → your webhook → Request body).
 *
 * ConfigCat replaces each `##Variable##` by plain text substitution. `##ChangeDetails##`
 * is a raw JSON array, so it stays unquoted; keep it last, which lets the relay still
 * read the other fields when a change note contains quotes or line breaks.
 *
 * @example
 * console.log(CONFIGCAT_WEBHOOK_BODY_TEMPLATE) // copy into the ConfigCat dashboard
 */
export const CONFIGCAT_WEBHOOK_BODY_TEMPLATE = `{
  "configId": "##ConfigId##",
  "configName": "##ConfigName##",
  "environmentId": "##EnvironmentId##",
  "environmentName": "##EnvironmentName##",
  "url": "##URL##",
  "changedBy": "##ChangedBy##",
  "changeNotes": "##ChangeNotes##",
  "changeDetails": ##ChangeDetails##
}`
