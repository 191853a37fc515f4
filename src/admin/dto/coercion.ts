import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { utcDay } from '../../common/clock.js';

/** The largest id an integer column holds on PostgreSQL: larger ones are refused, never overflowed. */
export const MAX_DB_INTEGER = 2_147_483_647;

const INTEGER_TEXT = /^\s*-?\d{1,15}\s*$/;

function integerOrAsIs(value: unknown): unknown {
  return typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
}

/**
 * Numbers as GitLab coerces them: forms and query strings only have text, and scripts send
 * `"user_id": "16"` in JSON too. Anything else is left as sent, for the validators to refuse.
 */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }) => integerOrAsIs(value));
}

/** Grape's Boolean: true/false, and their text forms (any case) and 1/0. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value === 'boolean') return value;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : typeof value === 'number' ? String(value) : undefined;
    if (text === 'true' || text === '1' || text === 't' || text === 'yes') return true;
    if (text === 'false' || text === '0' || text === 'f' || text === 'no') return false;
    return value;
  });
}

/**
 * GitLab's integer arrays: `user_ids=1,2`, `user_ids[]=1&user_ids[]=2`, `"user_ids": [1, "2"]` or a
 * single number. Duplicates are dropped (the query parser repeats a lone bracketed value).
 */
export function ToIntegerList(): PropertyDecorator {
  return Transform(({ value }) => {
    if (value === undefined || value === '') return undefined;
    const items = (Array.isArray(value) ? value : [value]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
    const numbers = items.map(integerOrAsIs);
    return numbers.every((n) => typeof n === 'number') ? [...new Set(numbers)] : numbers;
  });
}

/** Text parameters: an empty value counts as not given (as GitLab's finders treat `search=`). */
export function EmptyAsAbsent(): PropertyDecorator {
  return Transform(({ value }) => (value === '' ? undefined : value));
}

const ID_PROBLEM = `must be a whole number from 1 to ${MAX_DB_INTEGER}`;

/** An optional id: a whole number (or its text) from 1 to the largest stored id, one message. */
export function OptionalId(): PropertyDecorator {
  return applyDecorators(IsOptional(), ToInteger(), IsInt({ message: ID_PROBLEM }), Min(1, { message: ID_PROBLEM }), Max(MAX_DB_INTEGER, { message: ID_PROBLEM }));
}

/** An optional list of ids in any of GitLab's spellings (ToIntegerList). */
export function OptionalIdList(): PropertyDecorator {
  const each = { each: true, message: `must be whole numbers from 1 to ${MAX_DB_INTEGER}` };
  return applyDecorators(IsOptional(), ToIntegerList(), IsInt(each), Min(1, each), Max(MAX_DB_INTEGER, each));
}

/** Grape's String: a JSON number is taken as its text (`"name": 7` is the name "7"). */
function NumberAsText(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value));
}

/** Optional text given once (a repeated parameter arrives as an array and is refused). */
export function OptionalText(maxLength: number, emptyIsAbsent = true): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    NumberAsText(),
    ...(emptyIsAbsent ? [EmptyAsAbsent()] : []),
    IsString({ message: 'must be given once, as text' }),
    MaxLength(maxLength, { message: `must be at most ${maxLength} characters` }),
  );
}

/** An optional Grape Boolean (ToBoolean). */
export function OptionalBoolean(): PropertyDecorator {
  return applyDecorators(IsOptional(), ToBoolean(), IsBoolean({ message: 'must be true or false' }));
}

/** An optional value from a fixed list. */
export function OptionalOneOf(values: readonly unknown[], coerce?: PropertyDecorator): PropertyDecorator {
  return applyDecorators(IsOptional(), ...(coerce ? [coerce] : []), IsIn(values as unknown[], { message: `must be one of ${values.join(', ')}` }));
}

/** A required parameter: absent is Grape's `{"error": "<name> is missing"}` (gitlabValidationError). */
export function Required(): PropertyDecorator {
  return IsDefined({ message: 'is missing' });
}

/** Required text given once; its content rules stay with the service that owns them. */
export function RequiredText(maxLength: number): PropertyDecorator {
  return applyDecorators(Required(), NumberAsText(), IsString({ message: 'must be given once, as text' }), MaxLength(maxLength, { message: `must be at most ${maxLength} characters` }));
}

/**
 * A list of text values: a JSON array, repeated or bracketed form fields (`a[]=x&a[]=y`), or one
 * comma-separated value. An empty value is the empty list.
 */
export function OptionalTextList(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => {
      if (value === '') return [];
      if (typeof value === 'string') return value.split(',').map((item) => item.trim());
      return Array.isArray(value) ? [...new Set(value)] : value;
    }),
    IsString({ each: true, message: 'must be a list of text values' }),
  );
}

/** GitLab's dates (`expires_at`): YYYY-MM-DD, a real calendar day; empty or null clears the value. */
export function OptionalDate(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (value === '' ? null : value)),
    IsOptional(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' }),
    Validate(RealCalendarDay),
  );
}

@ValidatorConstraint({ name: 'realCalendarDay' })
class RealCalendarDay implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const time = Date.parse(`${value}T00:00:00.000Z`);
    return !Number.isNaN(time) && utcDay(new Date(time)) === value;
  }

  defaultMessage(): string {
    return 'must be a real calendar day';
  }
}

/**
 * GitLab's rule for a member's `expires_at`: not a day in the past (today is allowed, and ends the
 * membership at once — GitLab's members are expired from 00:00 UTC of that day).
 */
export function NotInThePast(): PropertyDecorator {
  return Validate(NotBeforeToday);
}

@ValidatorConstraint({ name: 'notBeforeToday' })
class NotBeforeToday implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value !== 'string' || value >= utcDay();
  }

  defaultMessage(): string {
    return 'cannot be a date in the past';
  }
}
