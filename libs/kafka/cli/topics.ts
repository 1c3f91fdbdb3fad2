// Entry of `herald topics ...` (scripts/herald.mjs runs it under tsx with the arguments after
// `topics`). Exits explicitly: a half-open Kafka connection must not keep a finished command alive.
import { runTopicsCommand } from '../index.js';

process.exit(await runTopicsCommand(process.argv.slice(2), process.env));
