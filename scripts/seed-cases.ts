/**
 * The seed test plan's cases (../shared/seeds/004_…, v2.9), for `npm run test:case`. A test
 * covers a case by naming it in its own title or its describe's (`UT_01_001/003/005: …`,
 * `UT_01_007..009`): there is no other way to map one. SOAK_CASES are the cases the soak runs.
 */
export const SEED_CASES: Record<string, string> = {
  UT_01_001: 'auth: allowed IP (exact and wildcard)',
  UT_01_002: 'auth: IP not allowed',
  UT_01_003: 'auth: valid MAC (exact and wildcard)',
  UT_01_004: 'auth: unknown MAC',
  UT_01_005: 'auth: access key (exact and wildcard)',
  UT_01_006: 'auth: wrong access key',
  UT_01_007: 'auth timeout',
  UT_01_008: 'idle (zombie) connection timeout',
  UT_01_009: 'heartbeat keeps the connection open',
  UT_02_001: 'config: application name',
  UT_02_002: 'config: application version',
  UT_02_003: 'config: system name (in statistics)',
  UT_02_004: 'config: server ports listen',
  UT_02_005: 'service state registered from the OAM file',
  UT_02_006: 'server queue (SipsvcRecvQueue) settings',
  UT_02_007: 'client queue (InsupcRecvQueue) settings',
  UT_03_001: 'max connections exceeded',
  UT_03_002: 'SipsvcRecvQueue / WorkerQueue full: error answer',
  UT_03_003: 'InsupcRecvQueue / WorkerQueue full: mapping cleaned up',
  UT_03_004: 'TPS limit',
  UT_03_005: 'max request sessions exceeded',
  UT_03_006: 'request session timeout',
  UT_04_001: 'INSUPC logon accepted',
  UT_04_002: 'INSUPC logon refused',
  UT_04_003: 'INSUPC heartbeat',
  UT_04_004: 'INSUPC read timeout',
  UT_04_005: 'INSUPC reconnect',
  UT_04_006: 'DB_STATUS_REQUEST',
  UT_04_007: 'MA + MA load balancing',
  UT_04_008: 'MA + DA failover when MA closes',
  UT_04_009: 'MA + MS failover when MA is blocked',
  UT_04_010: "routing: status 'A'",
  UT_04_011: "routing: status 'B'",
  UT_04_012: "routing: status 'S'",
  UT_05_001: 'statistics snapshot interval',
  UT_05_002: 'server statistics',
  UT_05_003: 'client statistics',
  UT_05_004: 'statistics survive a restart',
  UT_06_001: 'POST /state?state=RUNNING',
  UT_06_002: 'POST /state?state=BLOCKED',
  UT_06_003: 'POST /stat/init',
  UT_06_004: 'GET /state',
  UT_07_001: 'DB_QUERY success end to end',
  UT_07_002: 'DB_QUERY error end to end',
  UT_08_001: 'performance: service',
  UT_08_002: 'performance: under failures',
};

/**
 * The seed's endurance cases run as the soak (scripts/soak.ts), not as jest specs: the seed's
 * conditions, 1,000 executes/s for an hour. UT_08_002 is the soak's second phase (INSUPC-2
 * pushed to MB), after a 1 s first phase. Recorded runs: docs/soak-*.log, docs/benchmark.md.
 */
export const SOAK_CASES: Record<string, string[]> = {
  UT_08_001: ['--rate', '1000', '--duration', '3600', '--b-duration', '0'],
  UT_08_002: ['--rate', '1000', '--duration', '1', '--b-duration', '3600'],
};
