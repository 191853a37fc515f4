import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { decodeSamlResponse } from './saml-response-validator.js';
import type { ValidAssertion, ValidationSettings } from './saml-response-validator.js';
import { defaultPoolSize, SamlValidationPool } from './saml-validation-pool.js';
import type { ServiceProvider } from './service-provider.js';

/**
 * How the server validates a SAMLResponse: the cheap structural checks (base64, size and element
 * caps, no DTD) here on the event loop, then the XML parse and signature checks in the worker pool,
 * with its deadline and bounded queue. Throws InvalidSamlResponse like validateSamlResponse.
 */
@Injectable()
export class SamlValidationService implements OnModuleDestroy {
  private readonly pool: SamlValidationPool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pool = new SamlValidationPool({
      size: config.samlValidationWorkers || defaultPoolSize(),
      deadlineMs: config.samlValidationDeadlineMs,
      queueLimit: config.samlValidationQueue,
    });
  }

  /**
   * `decryptionKeys` is asked for only when the document has an EncryptedAssertion: opening the
   * provider's SP keys costs a database read, which responses in clear (and hostile ones) need not.
   */
  async validate(sp: ServiceProvider, idpCertificate: string | string[], samlResponse: string, settings: ValidationSettings = {}, decryptionKeys?: () => Promise<string[]>): Promise<ValidAssertion> {
    const document = decodeSamlResponse(samlResponse);
    const encrypted = decryptionKeys && Buffer.from(document.buffer, document.byteOffset, document.byteLength).includes('EncryptedAssertion');
    return this.pool.validate({ sp, idpCertificate, settings: encrypted ? { ...settings, decryptionKeys: await decryptionKeys() } : settings, document });
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.close();
  }
}
