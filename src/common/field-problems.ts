import { DomainError } from './domain-error.js';

/**
 * Collects the validation problems of several fields, each under the field the caller names, so
 * one answer reports every bad field (`{"message": {field: [...]}}`) instead of the first found.
 */
export class FieldProblems {
  private readonly fields: Record<string, string[]> = {};
  private first: string | null = null;

  /** Runs `parse`; a validation error it throws is recorded under `field`, anything else propagates. */
  check<T>(field: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'validation') throw error;
      this.add(field, ...(error.options.fields ? Object.values(error.options.fields).flat() : [error.message]));
      return undefined;
    }
  }

  add(field: string, ...problems: string[]): void {
    (this.fields[field] ??= []).push(...problems);
    this.first ??= `${field} ${problems[0]}`;
  }

  throwIfAny(): void {
    if (this.first !== null) throw new DomainError('validation', this.first, { fields: this.fields });
  }
}
