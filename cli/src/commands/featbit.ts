// `vane import featbit …`: imports a FeatBit environment (its server-SDK latest-all JSON, from a
// file or a running FeatBit) through the admin API's FeatBitImportService.
import { status } from '@grpc/grpc-js';
import type { Command } from 'commander';
import { ImportFeatBitEnvironmentResponse } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { AdminApiError } from '../admin-client.js';
import { describeImport, fetchFeatBitDocument } from '../featbit-import.js';
import { UsageError, findEnvironment } from '../resolve.js';
import { collect, readInputFile } from './command-context.js';
import type { CommandContext } from './command-context.js';

interface FeatBitImportOptions {
  file?: string;
  url?: string;
  secret?: string;
  dryRun?: boolean;
  skipInvalid?: boolean;
  keepSecret?: boolean;
  serverSecret?: string[];
  clientSecret?: string[];
  comment: string;
}

/** The document to import, from --file or --url; UsageErrors for option mistakes. */
async function featBitDocument(o: FeatBitImportOptions): Promise<string> {
  if ((o.file === undefined) === (o.url === undefined)) {
    throw new UsageError('give either --file <latest-all.json> or --url <url> --secret <secret>');
  }
  if (o.url !== undefined && !o.secret) {
    throw new UsageError('--url needs --secret <FeatBit server secret>');
  }
  if (o.keepSecret && !o.url) throw new UsageError('--keep-secret needs --url and --secret');
  return o.file !== undefined ? readInputFile(o.file) : fetchFeatBitDocument(o.url!, o.secret!);
}

/** Adds `import` (other platforms; today `import featbit`) to `program`. */
export function addImportCommands(program: Command, ctx: CommandContext): void {
  const importers = program
    .command('import')
    .description('import flags and segments from another feature-flag platform');
  importers
    .command('featbit <project/env>')
    .description(
      'import a FeatBit environment (its server-SDK latest-all JSON) into a Vane environment: flags and segments matched by key, created or updated; a second run changes nothing',
    )
    .option('-f, --file <latest-all.json>', 'read the FeatBit JSON from this file')
    .option(
      '--url <url>',
      `fetch it from a running FeatBit evaluation server (its base URL, or the full URL ending in /latest-all)`,
    )
    .option('--secret <server-secret>', 'FeatBit server secret for --url (sent as Authorization)')
    .option('--dry-run', 'report what would change, write nothing')
    .option('--skip-invalid', 'import the valid items and report the invalid ones as skipped')
    .option(
      '--keep-secret',
      'add the --secret to the Vane environment, so FeatBit SDKs using it keep working',
    )
    .option(
      '--server-secret <secret>',
      'a FeatBit server secret to add to the environment (repeat)',
      collect,
    )
    .option(
      '--client-secret <secret>',
      'a FeatBit client secret to add to the environment (repeat)',
      collect,
    )
    .option('--comment <text>', 'audit comment', 'vane import featbit')
    .action(async (ref: string, o: FeatBitImportOptions) => {
      const document = await featBitDocument(o);
      const serverSecrets = [...(o.serverSecret ?? [])];
      if (o.keepSecret && !serverSecrets.includes(o.secret!)) serverSecrets.push(o.secret!);
      const api = ctx.api();
      const env = await findEnvironment(api, ref, ctx.listOptions());
      const response = await api.featbitImport
        .importFeatBitEnvironment({
          envId: env.id,
          document,
          dryRun: o.dryRun === true,
          skipInvalid: o.skipInvalid === true,
          serverSecrets,
          clientSecrets: o.clientSecret ?? [],
          comment: o.comment,
        })
        .catch((err: unknown) => {
          if (err instanceof AdminApiError && err.code === status.RESOURCE_EXHAUSTED) {
            throw new AdminApiError(
              err.code,
              `${err.details} (the FeatBit document is ${Buffer.byteLength(document)} bytes; ` +
                'the api-server accepts requests up to API_MAX_REQUEST_BYTES, 4 MiB by default)',
              err.info,
              err.address,
            );
          }
          throw err;
        });
      ctx.print(ImportFeatBitEnvironmentResponse.toJSON(response), () =>
        describeImport(ref, response),
      );
    });
}
