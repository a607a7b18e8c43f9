// Lives inside the overlay's shadow root: page selectors can't reach it and it can't reach
// the page. `all: initial` on the root stops inherited page styles (color, font-size) at the
// shadow boundary; every size is in px so nothing scales with the page's font-size.
export const overlayStyles = `
.fb{all:initial;position:fixed;z-index:2147483647;font:13px/1.45 ui-sans-serif,system-ui,-apple-system,"Segoe UI",sans-serif;color:#f3f4f6;-webkit-font-smoothing:antialiased;text-align:left;direction:ltr}
.fb *,.fb *::before,.fb *::after{box-sizing:border-box}
.fb button,.fb input,.fb select,.fb textarea{font:inherit;color:inherit;margin:0}
.fb[data-position$=right]{right:12px}.fb[data-position$=left]{left:12px}
.fb[data-position^=bottom]{bottom:12px}.fb[data-position^=top]{top:12px}
.launcher{display:flex;align-items:center;gap:6px;height:36px;padding:0 12px;border:1px solid #4b5563;border-radius:18px;background:#111827;color:#f9fafb;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);font-weight:600}
.fb[data-position$=right] .launcher{margin-left:auto}
.launcher:hover{background:#1f2937}
.fb :focus-visible{outline:2px solid #93c5fd;outline-offset:1px}
.dot{width:8px;height:8px;border-radius:50%;background:#34d399;flex:none}
.dot[data-status=loading]{background:#fbbf24}.dot[data-status=error]{background:#f87171}.dot[data-status=off]{background:#9ca3af}
.panel{position:fixed;display:flex;flex-direction:column;width:min(460px,calc(100vw - 16px));height:min(560px,calc(100vh - 72px));background:#111827;border:1px solid #374151;border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.45);overflow:hidden}
.fb[data-position$=right] .panel{right:8px}.fb[data-position$=left] .panel{left:8px}
.fb[data-position^=bottom] .panel{bottom:56px}.fb[data-position^=top] .panel{top:56px}
.head{display:flex;align-items:center;justify-content:space-between;padding:8px 10px 0 12px}
.title{font-weight:700;font-size:14px;margin:0}
.icon{border:0;background:transparent;color:#e5e7eb;cursor:pointer;width:28px;height:28px;border-radius:6px;font-size:16px;line-height:28px}
.icon:hover{background:#374151}
.tabs{display:flex;gap:2px;padding:6px 8px 0;border-bottom:1px solid #374151;overflow-x:auto}
.tab{border:0;background:transparent;padding:6px 10px;border-radius:6px 6px 0 0;cursor:pointer;color:#d1d5db;white-space:nowrap;border-bottom:2px solid transparent}
.tab[aria-selected=true]{color:#fff;border-bottom-color:#60a5fa;font-weight:600}
.tabpanel{flex:1;overflow:auto;padding:8px 10px 12px}
.tools{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:8px}
.tools input[type=search]{flex:1 1 140px;min-width:0}
.field{background:#1f2937;border:1px solid #4b5563;border-radius:6px;padding:4px 8px;height:28px}
textarea.field{height:auto;width:100%;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.btn{background:#1f2937;border:1px solid #4b5563;border-radius:6px;padding:2px 8px;cursor:pointer;height:26px;white-space:nowrap}
.btn:hover{background:#374151}.btn:disabled{opacity:.6;cursor:default}
.count{color:#d1d5db;font-size:12px;margin:0 0 6px}
.list{list-style:none;margin:0;padding:0}
.row{padding:7px 0;border-bottom:1px solid #1f2937}
.line{display:flex;flex-wrap:wrap;align-items:center;gap:6px;min-width:0}
.key{font:600 12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;color:#f9fafb;word-break:break-all}
.value{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;color:#a7f3d0;word-break:break-all;white-space:pre-wrap;margin:3px 0 0}
.meta{color:#d1d5db;font-size:11.5px;margin-top:2px}
.badge{display:inline-block;border-radius:4px;padding:0 5px;font-size:11px;line-height:17px;background:#374151;color:#f3f4f6}
.badge[data-kind=overridden]{background:#fbbf24;color:#111827}
.badge[data-kind=default],.badge[data-kind=dropped]{background:#4b5563}
.badge[data-kind=sent]{background:#065f46;color:#ecfdf5}
.badge[data-kind=failed],.badge[data-kind=error]{background:#991b1b;color:#fef2f2}
.badge[data-kind=queued],.badge[data-kind=waiting-for-consent],.badge[data-kind=waiting],.badge[data-kind=loading]{background:#92400e;color:#fffbeb}
.badge[data-kind=ready]{background:#065f46;color:#ecfdf5}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}
.editor{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.invalid{color:#fca5a5;font-size:12px}
.error{color:#fca5a5;font-size:12px;word-break:break-word}
.section{margin:0 0 12px}
.section h3{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#d1d5db;margin:0 0 4px}
pre.json{margin:0;padding:6px 8px;background:#0b1220;border:1px solid #1f2937;border-radius:6px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all;color:#e5e7eb}
details summary{cursor:pointer;color:#d1d5db;font-size:12px}
.empty{color:#d1d5db;padding:12px 0}
`
