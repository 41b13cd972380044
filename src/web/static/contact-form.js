// Contacts module: on the contact form, says what the out-of-hours rule makes of the date and
// times as they are typed. The form works without this: the rule is applied when it is saved.
const panel = document.querySelector('[data-out-of-hours-rule]');
if (panel) {
  const rule = panel.dataset;
  const output = document.getElementById('outOfHours-worked-out');
  const field = (id) => document.getElementById(id);
  const minutes = (value) => {
    const m = /^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$/i.exec(value.trim());
    if (!m) return null;
    let h = Number(m[1]);
    const min = m[2] === undefined ? 0 : Number(m[2]);
    const suffix = (m[3] || '').toLowerCase();
    if (min > 59) return null;
    if (suffix) {
      if (h < 1 || h > 12) return null;
      if (suffix === 'am' && h === 12) h = 0;
      if (suffix === 'pm' && h !== 12) h += 12;
    }
    return h > 23 ? null : h * 60 + min;
  };
  const update = () => {
    const [d, mo, y] = ['date-day', 'date-month', 'date-year'].map((id) => Number(field(id).value));
    const start = minutes(field('startTime').value);
    const end = minutes(field('endTime').value);
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (!d || !mo || !y || start === null || end === null || date.getUTCDate() !== d) {
      output.hidden = true;
      return;
    }
    const weekend = rule.weekends === 'true' && (date.getUTCDay() === 0 || date.getUTCDay() === 6);
    const out = weekend || end <= start || start < minutes(rule.dayStarts) || end > minutes(rule.dayEnds);
    output.textContent = `From the date and times, this contact was ${out ? 'out of hours' : 'in working hours'}.`;
    output.hidden = false;
  };
  for (const id of ['date-day', 'date-month', 'date-year', 'startTime', 'endTime']) field(id).addEventListener('input', update);
  update();
}
