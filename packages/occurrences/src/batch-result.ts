import type { FieldError } from '@biomon/core';

/** BRIEF §9: the one answer of every batch endpoint. */
export interface RejectedRecord {
  index: number;
  id?: string | null;
  datastreamId?: string;
  errors: FieldError[];
}

export interface BatchWarning {
  index: number;
  id?: string | null;
  flags: string[];
  notes?: Record<string, string>;
}

export interface BatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRecord[];
  warnings: BatchWarning[];
}
