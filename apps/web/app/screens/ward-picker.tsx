// Chooses the ward a screen follows (FHIR Locations from records); the choice lives in the URL.
import { listWards } from '../api/wards.ts';
import { Await } from '../components/status.tsx';
import { useAsync } from '../components/use-async.ts';
import { usePlatform } from '../platform.ts';
import { navigate } from '../router.tsx';

export function WardPicker({ ward, path }: { ward: string; path: string }) {
  const { api } = usePlatform();
  const [wards, retry] = useAsync(() => listWards(api), []);
  return (
    <Await loaded={wards} what="wards" retry={retry}>
      {(list) =>
        list.length === 0 ? (
          <p class="empty">No ward (FHIR Location) is recorded yet.</p>
        ) : (
          <div class="ward-picker">
            <label for="ward-choice">Ward</label>
            <select
              id="ward-choice"
              value={ward}
              onChange={(event) => {
                const value = (event.target as HTMLSelectElement).value;
                navigate(value ? `${path}?ward=${encodeURIComponent(value)}` : path);
              }}
            >
              <option value="">Choose a ward…</option>
              {list.map((location) => (
                <option key={location.id} value={location.id}>
                  {location.name ?? location.id}
                </option>
              ))}
            </select>
          </div>
        )
      }
    </Await>
  );
}
