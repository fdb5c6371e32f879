// Appended to a report page by html.test: once the page has loaded, counts
// the plots Chromium laid out with at least one mark of non-zero size.
window.addEventListener('load', () => {
  const plots = [...document.querySelectorAll('svg.plot')];
  const drawn = plots.filter(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('polyline, rect, circle')];
    return box.width > 0 && box.height > 0 &&
        marks.some(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; });
  });
  document.body.setAttribute('data-rendered', drawn.length + ' of ' + plots.length);
});
