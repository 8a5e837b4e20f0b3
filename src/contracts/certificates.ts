/**
 * The listeners' TLS certificates, re-read on SIGHUP and by the config reload action
 * (operations spec §8.1). Provided by the TLS module; the OAM reload injects it optionally.
 */
export const CERTIFICATES = Symbol('CERTIFICATES');

export interface CertificateSource {
  /** re-reads every TLS listener's files; a bad file keeps that listener's certificates (logged). */
  reloadCertificates(reason: string): Promise<void>;
}
