// The bundle's stand-in for the `emoji-regex` package (esbuild --alias in package.json).
// string-width, which yargs' help layout calls for every character of every help line, calls
// emojiRegex() once per character, and each call builds the package's large regular expression
// anew, a good part of `hacktree --help` (docs/decisions/0013-start-up-time.md). One expression,
// reset before each use (it is global, so test() moves lastIndex), gives the same answers.
// @ts-expect-error: the package ships no types for its CommonJS file
import emojiRegex from '../../../node_modules/emoji-regex/index.js';

const expression: RegExp = (emojiRegex as () => RegExp)();

export default function cachedEmojiRegex(): RegExp {
  expression.lastIndex = 0;
  return expression;
}
