import type { BoxManifest, CORE_TUNABLES, SlotName, SlotPackage, TunableValue } from '@hakmem/native';

/** One slot package per slot, keyed by slot name. A slot left out is served by its default
 * package (`@hakmem/<slot>`), so a config written before a slot existed still builds. */
export type SlotMap = { readonly [S in SlotName]?: SlotPackage<S> };

/** Box names a slot package declares (any name for a slot the config leaves to its default package). */
export type BoxName<P extends SlotMap, S extends SlotName> =
  P[S] extends SlotPackage<S> ? keyof P[S]['boxes'] & string : string;

/** A variant's choice: a box per slot; a slot left out runs its package's default box. */
export type BoxChoice<P extends SlotMap> = { readonly [S in SlotName]?: BoxName<P, S> };

/** The manifest of the box a variant runs in slot S: its choice, else the package's default box. */
type ChosenBox<P extends SlotMap, C extends BoxChoice<P>, S extends SlotName> =
  P[S] extends SlotPackage<S, infer B, infer D> ? (C[S] extends keyof B ? B[C[S]] : B[D]) : never;

/** Values for the tunables of one box; every one is optional (defaults fill the rest). */
export type TunableValues<B> = B extends BoxManifest
  ? { readonly [K in keyof B['tunables']]?: TunableValue<B['tunables'][K]> }
  : never;

type CoreTunables = {
  readonly core?: { readonly [K in keyof typeof CORE_TUNABLES]?: TunableValue<(typeof CORE_TUNABLES)[K]> };
};
type LooseTunables = Readonly<Record<string, number | boolean | string>>;

/** Tunable values per slot, typed by the box the variant chose for that slot, and the core's. */
export type VariantTunables<P extends SlotMap, C extends BoxChoice<P>> = {
  readonly [S in SlotName]?: P[S] extends SlotPackage<S> ? TunableValues<ChosenBox<P, C, S>> : LooseTunables;
} & CoreTunables;

/** The same for a variant that extends another: a slot it names no box for runs an inherited box,
 * unknown here, so its tunables are those of any box of the slot (validation checks the box). */
export type ExtendedTunables<P extends SlotMap, C extends BoxChoice<P>> = {
  readonly [S in SlotName]?: P[S] extends SlotPackage<S, infer B>
    ? C[S] extends keyof B
      ? TunableValues<B[C[S]]>
      : TunableValues<B[keyof B]>
    : LooseTunables;
} & CoreTunables;

/** C, the boxes as written, when it is a box choice; else any (no boxes given, or a box in error,
 * which checking `boxes` against this names). */
type Choice<P extends SlotMap, C> = C extends BoxChoice<P> ? C : BoxChoice<P>;

/**
 * One variant: a box per slot (or the slot's default), and tunables for those boxes; or, with
 * `extends`, another variant's boxes and tunables with its own over them (see validate.ts).
 * C is the variant's own `boxes` as written; N names the variants it may extend.
 */
export type VariantConfig<P extends SlotMap, C = BoxChoice<P>, N extends string = string> =
  | {
      readonly description: string;
      readonly extends?: undefined;
      readonly boxes: Choice<P, C>;
      readonly tunables?: VariantTunables<P, Choice<P, C>>;
    }
  | {
      readonly description: string;
      /** The variant this one starts from. */
      readonly extends: N;
      readonly boxes?: Choice<P, C>;
      readonly tunables?: ExtendedTunables<P, Choice<P, C>>;
    };

/** The variants variant K may extend: the others (any name when the variants are not known). */
type BaseName<V, K extends keyof V> = string extends keyof V ? string : Exclude<keyof V, K> & string;

/** What hakmem.config.ts default-exports. */
export interface HakmemConfig<
  P extends SlotMap = SlotMap,
  V extends Readonly<Record<string, unknown>> = Readonly<Record<string, BoxChoice<P>>>,
> {
  readonly slots: P;
  readonly variants: { readonly [K in keyof V]: VariantConfig<P, V[K], NoInfer<BaseName<V, K>>> };
}

/**
 * Declares the variants of hakmem. Types only: a misspelt slot, box or tunable,
 * or a tunable of the wrong type, is a compile error. The composer validates the
 * same things (and ranges) at run time, for plain-JS configs.
 */
export function defineConfig<const P extends SlotMap, const V extends Readonly<Record<string, unknown>>>(
  config: HakmemConfig<P, V>,
): HakmemConfig<P, V> {
  return config;
}
