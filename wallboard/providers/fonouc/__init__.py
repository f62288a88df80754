"""FonoUC (seed 004; also sold as QVoice): sign-in, wire records, client, adapter and provider.

What the seed leaves open or gets wrong, and what this package (and the simulated tenant in
`wallboard.sim.fonouc`) assumes. Each item names where it is handled.

Typos in the seed's examples (`wire`):
- Curly quotes: a body that is not JSON is retried with typographic quotes straightened; valid
  JSON is never rewritten.
- The duplicated `"success"` key in `leads_by_status`: repeated integer keys are summed (the
  seed's counts add up to `total_leads` only that way: 4 + 10 + 5 + 25 = 44); otherwise the last
  value wins.
- `starDate` in the activity example: the client sends both `startDate` (the documented
  parameter) and `starDate`; the simulator reads either. The example's 13-digit `endDate` is read
  as milliseconds by the simulator; the client sends seconds.

Left open by the seed:
- Sign-in (`auth`): no token lifetime is given, so the session is renewed on a 401. Refresh is
  `POST /api/v2/login/refresh` with `{"refresh_token": ...}`, answered like the login; when it
  fails the client logs in again with the password (and stops trying refresh after a 404/405).
- `X-Account-ID` (`auth`): the config's `account_id`, else the login answer's `user.account_id`.
- Errors (`errors`): the seed lists 400 and 500 only; 401/403 are taken as a refused session,
  a body's `message` is quoted (redacted) in the error.
- Lead statuses: the seed shows `new`, `success`, `failed`; the simulator also uses
  `in_progress` (staged or on a line), `retry` (waiting for another attempt) and `cancelled`.
  The adapter maps unknown statuses to "other" so none is lost from the pacing totals.
- Successful actions: the seed documents no body; the simulator answers `{"message": ...}` and,
  for an added lead, its `id`, which the client returns when present.
- Activity paging: `startKey` is the `uuid` of the last record of the previous page.
- Queue `calls`: `{}` in the seed; the simulator lists waiting calls by id with `wait_time`.
- Limits: none published; the client keeps to 60 requests a minute (10 kept for actions) and 10
  logins or refreshes a minute per account.
"""
