import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig, ConfigError, type Config } from '@biomon/config';
import { createDb, migrateToLatest } from '@biomon/db';
import { UsageError } from './commands/usage-error';

const HELP = `biomon — 吉林省生物多样性监测数据平台 command-line tool

Usage: biomon <command> [options]

  migrate                               apply pending database migrations
  seed [--level none|reference|demo]    load seeds (default BIOMON_SEED, else demo); never seeds twice
  tokens create --role R [--team T] [--station S] [--department D] [--label L] [--expires ISO]
                                        create a token; prints only the token
  tokens list [--all]                   list tokens (never their secrets)
  tokens revoke ID|PREFIX               revoke a token
  tokens demo                           revoke earlier demo tokens; create and print one per role (JSON)
  taxa import FILE [--source NAME] [--jilin]
                                        import a species list (CSV or JSON, e.g. the 2021 national lists)
  layers import KIND FILE [--crs wgs84|gcj02|bd09] [--year Y] [--source S]
                                        import a GeoJSON layer as a new dataset version (streamed)
  rasters import KIND FILE [--year Y] [--source S] [--scale fraction|percent] [--class-map JSON]
                                        import a GeoTIFF (ndvi, fvc, land-cover, elevation) as a new raster version (streamed, any size)
  backup FILE                           pg_dump of the database plus the file store, as one .tar.gz
  restore FILE [--force]                restore a backup into an empty database (and the file store)
  serve                                 run ingest + api under one origin on PORT (default 3000)
  worker                                run the job worker

Without DATABASE_URL / REDIS_URL the local stack of infra/stack.sh is used.`;

async function withDb<T>(config: Config, fn: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const handle = createDb(config.databaseUrl, { max: 4, applicationName: 'biomon-cli' });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(HELP);
    return cmd ? 0 : 1;
  }
  const config = loadConfig();
  switch (cmd) {
    case 'migrate':
      return withDb(config, async (db) => {
        const applied = await migrateToLatest(db);
        console.error(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      });
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { level: { type: 'string' } } });
      const level = (values.level ?? config.seed) as Config['seed'];
      if (!['none', 'reference', 'demo'].includes(level)) throw new ConfigError([`--level must be none, reference or demo`]);
      return withDb(config, async (db) => {
        const { runSeeds } = await import('@biomon/seed');
        const results = await runSeeds(db, level, path.join(config.rootDir, 'seeds'), { fileStoreDir: config.fileStoreDir });
        for (const r of results) console.error(`seed ${r.name}: ${r.status}${r.summary ? ` ${JSON.stringify(r.summary)}` : ''}`);
        return 0;
      });
    }
    // Commands load their modules lazily: a quick `biomon migrate` does not load the servers.
    case 'tokens': {
      const { tokensCommand } = await import('./commands/tokens.command');
      return withDb(config, (db) => tokensCommand(db, rest));
    }
    case 'taxa': {
      const { taxaCommand } = await import('./commands/taxa.command');
      return withDb(config, (db) => taxaCommand(db, rest));
    }
    case 'layers': {
      const { layersCommand } = await import('./commands/layers.command');
      return withDb(config, (db) => layersCommand(db, rest));
    }
    case 'rasters': {
      const { rastersCommand } = await import('./commands/rasters.command');
      return withDb(config, (db) => rastersCommand(db, config.fileStoreDir, rest));
    }
    case 'backup':
      return (await import('./commands/backup.command')).backupCommand(config, rest);
    case 'restore':
      return (await import('./commands/backup.command')).restoreCommand(config, rest);
    case 'serve':
      return (await import('./commands/serve.command')).serveCommand(config);
    case 'worker':
      return (await import('./commands/worker.command')).workerCommand(config);
    default:
      console.error(`unknown command: ${cmd}\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof UsageError) console.error(`biomon: ${err.message}`);
    else console.error(err);
    process.exitCode = err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
  },
);
