import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { isoPlus, nowIso } from '../common/clock.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { OutboxMessageEntity } from './outbox-message.entity.js';
import { OutboxRepository } from './outbox.repository.js';

const BATCH = 20;
const MAX_ERROR_LENGTH = 500;

/** The delay before the next attempt after `attempts` failed ones: doubling from base, capped. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempts - 1), 30));
}

/** An SMTP error as stored for admins: one line, bounded, and never the SMTP URL (it may hold the password). */
export function describeSmtpError(error: unknown, smtpUrl: string): string {
  const text = error instanceof Error ? `${(error as { code?: string }).code ? `${(error as { code?: string }).code}: ` : ''}${error.message}` : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(smtpUrl).password);
  } catch {
    /* no password to hide */
  }
  const safe = password ? text.split(password).join('***') : text;
  return safe.replace(/\s+/g, ' ').slice(0, MAX_ERROR_LENGTH);
}

/**
 * Delivers the outbox through SMTP (nodemailer; STARTTLS whenever the server offers it, or always
 * with `?requireTLS=true`; `smtps://` for implicit TLS; user and password from the URL) when
 * SMTP_URL is set. Each round leases due messages (several processes can run this at once: the
 * lease keeps a message to one of them), sends them, and marks each sent or schedules its retry
 * with back-off. A message is marked sent only after the server accepted it, so a crash in between
 * sends it again after its lease runs out: delivered at least once, never lost.
 */
@Injectable()
export class MailDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MailDelivery');
  private readonly id = randomUUID();
  private transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { smtpUrl, smtpTimeoutMs } = this.config.mail;
    if (!smtpUrl) return;
    this.transport = createTransport({ url: smtpUrl, connectionTimeout: smtpTimeoutMs, greetingTimeout: smtpTimeoutMs, socketTimeout: smtpTimeoutMs });
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A round in flight finishes (its messages get marked); a later start would resend them otherwise.
    await this.round;
    this.transport?.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.deliverDue()
        .catch((error: unknown) => this.logger.error(`mail delivery round failed: ${error instanceof Error ? error.message : String(error)}`))
        .then((full) => {
          this.round = null;
          this.schedule(full === true ? 0 : this.config.mail.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One round; true when the batch was full (more may be due right away). */
  private async deliverDue(): Promise<boolean> {
    const { leaseMs } = this.config.mail;
    const claimed = await this.outbox.claimDue(this.id, nowIso(), isoPlus(leaseMs), BATCH);
    // Sent side by side: one slow or unreachable server costs a round one timeout, not one per message.
    await Promise.allSettled(claimed.map((message) => this.deliver(message)));
    return claimed.length === BATCH;
  }

  private async deliver(message: OutboxMessageEntity): Promise<void> {
    const { from, retryBaseMs, retryMaxMs, smtpUrl } = this.config.mail;
    try {
      await this.transport!.sendMail({ from, to: message.recipient, subject: message.subject, text: message.body, headers: { 'X-Roster-Message-Id': String(message.id) } });
    } catch (error) {
      const reason = describeSmtpError(error, smtpUrl!);
      this.logger.warn(`outbox message ${message.id} not delivered (attempt ${message.attempts}): ${reason}`);
      await this.outbox.markFailed(message.id, this.id, isoPlus(retryDelayMs(message.attempts, retryBaseMs, retryMaxMs)), reason);
      return;
    }
    await this.outbox.markSent(message.id, nowIso());
  }
}
