// opencc-js ships declarations whose relative imports ('./core') carry no extension, which
// NodeNext resolution cannot follow: its converter's type would come out unresolved. This
// declares the entry point plain-text.ts imports, as the package's README documents it; a
// declaration here takes the place of the package's own.
declare module 'opencc-js/t2cn' {
  export interface ConverterOptions { from: string; to: string }
  export type ConverterFunction = (text: string) => string;
  /** A converter between the locales (the t2cn entry: from 'hk', 'tw', 'twp', 'jp' or 't', to 'cn'). */
  export function Converter(options: ConverterOptions): ConverterFunction;
}
