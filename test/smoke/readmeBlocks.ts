import { readFileSync } from 'node:fs'

/**
 * The first fenced block of `language` under the `## heading` section of a Markdown file,
 * verbatim (without its fences). Read at run time, so a README change is what gets tested.
 */
export function firstCodeBlock(markdownPath: string, heading: string, language: string): string {
  const lines = readFileSync(markdownPath, 'utf8').split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start === -1) throw new Error(`${markdownPath} has no "## ${heading}" heading`)
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '))
  const section = lines.slice(start + 1, end === -1 ? undefined : end)
  const open = section.findIndex((line) => line.trim() === `\`\`\`${language}`)
  if (open === -1) throw new Error(`No \`\`\`${language} block under "## ${heading}" in ${markdownPath}`)
  const close = section.findIndex((line, index) => index > open && line.trim() === '```')
  if (close === -1) throw new Error(`The \`\`\`${language} block under "## ${heading}" is never closed`)
  return `${section.slice(open + 1, close).join('\n')}\n`
}

/**
 * The package names of the `pnpm add` line in a shell block, in order (flags and a trailing
 * `# comment` left out): what the README tells a user to install.
 */
export function packagesToAdd(shellBlock: string): string[] {
  const command = shellBlock
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .find((line) => /^pnpm (add|install|i) /.test(line))
  if (!command) throw new Error(`No "pnpm add" line in:\n${shellBlock}`)
  return command
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith('-'))
}
