import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_geometry_helpers';
import * as m0003 from './0003_survey';
import * as m0004 from './0004_generalisation_grid';
import * as m0005 from './0005_stations';
import * as m0006 from './0006_indicators';
import * as m0007 from './0007_ledger_reports';
import * as m0008 from './0008_exports';
import * as m0009 from './0009_alerts';
import * as m0010 from './0010_sensitive_linkage';
import * as m0011 from './0011_import_mappings';
import * as m0012 from './0012_indicator_scale';
import * as m0013 from './0013_public_position';
import * as m0014 from './0014_germplasm';
import * as m0015 from './0015_rasters';
import * as m0016 from './0016_screenings';
import * as m0017 from './0017_indicator_variants';
import * as m0018 from './0018_land_cover_change';
import * as m0019 from './0019_observation_datastream_check';
import * as m0020 from './0020_index_rules';
import * as m0021 from './0021_land_cover_change_raster';
import * as m0022 from './0022_observation_push_begin';

/** All migrations, in order. Names are frozen: the migrator records them. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_geometry_helpers': m0002,
  '0003_survey': m0003,
  '0004_generalisation_grid': m0004,
  '0005_stations': m0005,
  '0006_indicators': m0006,
  '0007_ledger_reports': m0007,
  '0008_exports': m0008,
  '0009_alerts': m0009,
  '0010_sensitive_linkage': m0010,
  '0011_import_mappings': m0011,
  '0012_indicator_scale': m0012,
  '0013_public_position': m0013,
  '0014_germplasm': m0014,
  '0015_rasters': m0015,
  '0016_screenings': m0016,
  '0017_indicator_variants': m0017,
  '0018_land_cover_change': m0018,
  '0019_observation_datastream_check': m0019,
  '0020_index_rules': m0020,
  '0021_land_cover_change_raster': m0021,
  '0022_observation_push_begin': m0022,
};
