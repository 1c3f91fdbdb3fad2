// One-shot init step for deployments (docker-compose's init-topics runs the bundle of this file with
// `apply`): `herald topics` in the image, which has no tsx. Same command, same arguments, same exit
// status as `npx herald topics ...`.
import { runTopicsCommand } from '@herald/kafka';

process.exit(await runTopicsCommand(process.argv.slice(2), process.env));
