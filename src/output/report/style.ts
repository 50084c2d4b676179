/** The report page's stylesheet (plain, printable, readable without colour). */
export const REPORT_CSS = `
:root { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; }
body { margin: 0 auto; max-width: 1500px; padding: 0 16px 32px; }
header h1 { font-size: 22px; margin: 16px 0 4px; }
header small { font-weight: normal; color: #666; font-size: 13px; }
h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 15px; margin: 12px 0 6px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f6f6f6; }
td { max-width: 480px; overflow-wrap: anywhere; }
table.kv td:first-child { color: #555; white-space: nowrap; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; }
pre.query { white-space: pre-wrap; }
.summaries { display: flex; flex-wrap: wrap; gap: 24px; }
.note { color: #666; font-size: 12px; }
.controls { display: flex; gap: 6px; align-items: center; margin: 6px 0; }
.controls button { font-size: 14px; padding: 2px 10px; }
.hint { color: #777; font-size: 12px; margin-left: 8px; }
.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 16px; font-size: 13px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.chart-wrap { position: relative; }
.tooltip { position: absolute; z-index: 10; background: #fff; border: 1px solid #999; box-shadow: 0 2px 6px rgba(0,0,0,.2);
  padding: 6px 8px; font-size: 12px; max-width: 360px; pointer-events: none; overflow-wrap: anywhere; }
.tooltip[hidden] { display: none; }
#timeline:focus { outline: 2px solid #8ab4f8; }
.filters { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.alerts-layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 16px; }
.table-scroll { max-height: 640px; overflow: auto; }
#alerts-table th { cursor: pointer; user-select: none; position: sticky; top: 0; }
#alerts-table th.sorted-asc::after { content: " ▲"; }
#alerts-table th.sorted-desc::after { content: " ▼"; }
#alerts-table tbody tr { cursor: pointer; }
#alerts-table tbody tr:hover { background: #f3f7ff; }
#alerts-table tbody tr.selected { background: #dbe8ff; }
.detail pre.raw { max-height: 360px; }
.fate-alerted { color: #b00; font-weight: 600; }
.fate-lost { color: #c60; font-weight: 600; }
.fate-history { color: #555; }
.error { color: #b00; }
footer { margin-top: 32px; color: #666; font-size: 12px; }
`;
