/** The shells `completion` writes scripts for (kept apart so the program can list them without loading the generator). */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
