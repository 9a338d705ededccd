// The doors of a turf in walking order: the next door first, then each building with its access
// note and its floors; a door is one tap (then the outcome), a whole floor one tap too.

import { t } from './messages.ts';
import type { Outcome } from './store.ts';
import { markKey } from './store.ts';
import type { PackBuilding, PackTurf } from './types.ts';

export type Target =
  | { kind: 'door'; building: PackBuilding; doorId: string; label: string }
  | { kind: 'floor'; building: PackBuilding; doorIds: string[]; label: string }
  | { kind: 'building'; building: PackBuilding; label: string };

export type MarkOf = (buildingId: string, doorId: string | null) => Outcome | null;

const SHORT: Record<Outcome, string> = {
  absent: 'Abs',
  supportive: 'Fav',
  undecided: 'Ind',
  opposed: 'Opp',
  refused: 'Ref',
  come_back: 'Rep',
  no_access: 'Acc',
  other: 'Aut',
};

const floorName = (floor: number) => (floor === 0 ? t('ground') : t('floor', { n: floor }));

/** The first door (or building without doors) not done, in walking order. */
export function nextTarget(turf: PackTurf, markOf: MarkOf): Target | null {
  for (const building of turf.buildings) {
    const doors = building.entrances.flatMap((e) => e.doors);
    if (doors.length === 0) {
      if (!markOf(building.id, null)) return { kind: 'building', building, label: building.label };
      continue;
    }
    const door = doors.find((d) => !markOf(building.id, d.id));
    if (door) return { kind: 'door', building, doorId: door.id, label: `${floorName(door.floor)}, ${door.label}` };
  }
  return null;
}

export function DoorList({ turf, markOf, onPick }: { turf: PackTurf; markOf: MarkOf; onPick: (target: Target) => void }) {
  const next = nextTarget(turf, markOf);
  return (
    <div className="doors">
      <section className="next" aria-label={t('next')}>
        {next ? (
          <button type="button" className="next-button" onClick={() => onPick(next)}>
            <span className="next-title">{t('next')}</span>
            <span className="next-address">{next.building.label}</span>
            <span className="next-door">{next.label}</span>
          </button>
        ) : (
          <p className="done-all">{t('allDone')}</p>
        )}
      </section>
      {turf.buildings.map((building) => {
        const entrances = building.entrances.filter((e) => e.doors.length > 0);
        return (
          <article key={building.id} className="building" id={`b-${building.id}`}>
            <header>
              <h3>{building.label}</h3>
              <span className="muted">{t('doorsCount', { n: building.doors })}</span>
            </header>
            {building.entrances
              .filter((e) => e.access_note)
              .map((e) => (
                <p key={e.id} className="access">
                  {t('access', { note: `${e.label ? `${e.label} — ` : ''}${e.access_note}` })}
                </p>
              ))}
            {entrances.length === 0 ? (
              <DoorButton
                label={t('building')}
                outcome={markOf(building.id, null)}
                onClick={() => onPick({ kind: 'building', building, label: building.label })}
              />
            ) : (
              entrances.map((entrance) => {
                const floors = [...new Set(entrance.doors.map((d) => d.floor))].sort((a, b) => a - b);
                return floors.map((floor) => {
                  const doors = entrance.doors.filter((d) => d.floor === floor);
                  const left = doors.filter((d) => !markOf(building.id, d.id)).map((d) => d.id);
                  const name = `${entrance.label && entrances.length > 1 ? `${entrance.label} · ` : ''}${floorName(floor)}`;
                  return (
                    <div key={`${entrance.id}-${floor}`} className="floor">
                      <div className="floor-head">
                        <span>{name}</span>
                        <button
                          type="button"
                          className="floor-all"
                          disabled={left.length === 0}
                          onClick={() => onPick({ kind: 'floor', building, doorIds: left, label: name })}
                        >
                          {t('wholeFloor')}
                        </button>
                      </div>
                      <div className="floor-doors">
                        {doors.map((door) => (
                          <DoorButton
                            key={door.id}
                            label={door.label}
                            outcome={markOf(building.id, door.id)}
                            onClick={() => onPick({ kind: 'door', building, doorId: door.id, label: `${floorName(floor)}, ${door.label}` })}
                          />
                        ))}
                      </div>
                    </div>
                  );
                });
              })
            )}
          </article>
        );
      })}
    </div>
  );
}

function DoorButton({ label, outcome, onClick }: { label: string; outcome: Outcome | null; onClick: () => void }) {
  return (
    <button
      type="button"
      className={`door ${outcome ? `door-done o-${outcome}` : ''}`}
      onClick={onClick}
      aria-label={outcome ? `${label} — ${t(`outcome_${outcome}`)}` : label}
    >
      <span>{label}</span>
      {outcome && <small>{SHORT[outcome]}</small>}
    </button>
  );
}

export { markKey };
