/** Dates the Korean way, in the county's time zone: 11.12.(화) 14:00. */
export function formatKoreanDateTime(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('ko-KR', {
      timeZone,
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.month}.${parts.day}.(${parts.weekday}) ${parts.hour}:${parts.minute}`;
}
