import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A string whose UTF-8 encoding fits `max` bytes: for values that go into a fixed-width field
 * of a binary frame (the INSUPC logon). The message names the key and the sizes, never the
 * value, so a secret key can carry it (the value is redacted by the loader as well).
 */
export function MaxUtf8Bytes(max: number, field: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      constraints: [max],
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: () => `$property must be at most ${max} bytes (UTF-8): the ${field} field`,
      },
    },
    options,
  );
}
