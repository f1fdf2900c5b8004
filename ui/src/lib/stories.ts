// The alert list shows one row per story: alerts whose articles belong to
// the same story (several outlets, several languages) fold into the newest
// one, which carries the "N sources" count.
import type { AlertRow } from "./bindings";

export type AlertGroup = {
  /** The row shown: the newest alert of the story. */
  lead: AlertRow;
  /** Every alert of the story in the loaded list, newest first. */
  members: Array<AlertRow>;
  /** How many distinct sources report the story. */
  sources: number;
};

/** Folds alerts into story groups, keeping list order; extends `into` in place. */
export class StoryGrouper {
  readonly groups: Array<AlertGroup> = [];
  private byStory = new Map<number, AlertGroup>();
  private names = new Map<AlertGroup, Set<string>>();

  add(rows: Array<AlertRow>): void {
    for (const row of rows) this.push(row, false);
  }

  /** Adds rows that are newer than everything seen so far (live alerts). */
  prepend(rows: Array<AlertRow>): void {
    for (let i = rows.length - 1; i >= 0; i--) this.push(rows[i]!, true);
  }

  private push(row: AlertRow, front: boolean): void {
    const existing = row.story_id === null ? undefined : this.byStory.get(row.story_id);
    if (existing) {
      if (front) {
        existing.members.unshift(row);
        existing.lead = row;
        const at = this.groups.indexOf(existing);
        this.groups.splice(at, 1);
        this.groups.unshift(existing);
      } else existing.members.push(row);
      const names = this.names.get(existing)!;
      names.add(row.source_name);
      existing.sources = Math.max(existing.sources, names.size, row.story_sources);
      return;
    }
    const group: AlertGroup = { lead: row, members: [row], sources: Math.max(1, row.story_sources) };
    this.names.set(group, new Set([row.source_name]));
    if (row.story_id !== null) this.byStory.set(row.story_id, group);
    if (front) this.groups.unshift(group);
    else this.groups.push(group);
  }
}

export function groupAlerts(rows: Array<AlertRow>): Array<AlertGroup> {
  const g = new StoryGrouper();
  g.add(rows);
  return g.groups;
}
