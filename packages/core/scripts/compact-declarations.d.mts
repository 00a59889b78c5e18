/** One doc comment, smaller and with the same text (see compact-declarations.mjs). */
export function compactComment(comment: string, indent?: string): string;
/** Declarations with compacted comments and tab (or no) indentation; types untouched. */
export function compactDeclarations(source: string, options?: { indent?: boolean }): string;
