// The dashboard's charts (ECharts, vendored): data from the page's JSON block, no inline script (CSP).
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var font = {fontFamily: '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif', fontSize: 13};
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el, null, {renderer: 'svg'});
    option.textStyle = font;
    option.animation = false;
    c.setOption(option);
    window.addEventListener('resize', function () { c.resize(); });
  }
  chart('chart-days', {
    grid: {left: 40, right: 10, top: 10, bottom: 40},
    tooltip: {trigger: 'axis'},
    xAxis: {type: 'category', data: data.days.map(function (d) { return d[0].slice(5); })},
    yAxis: {type: 'value', minInterval: 1},
    series: [{type: 'bar', data: data.days.map(function (d) { return d[1]; }), itemStyle: {color: '#2f5d8a'}}]
  });
  chart('chart-departments', {
    grid: {left: 10, right: 20, top: 10, bottom: 25, containLabel: true},
    tooltip: {},
    xAxis: {type: 'value', minInterval: 1},
    yAxis: {type: 'category', data: data.departments.map(function (d) { return d[0]; }).reverse()},
    series: [{type: 'bar', data: data.departments.map(function (d) { return d[1]; }).reverse(), itemStyle: {color: '#4a7f52'}}]
  });
  chart('chart-senders', {
    grid: {left: 10, right: 30, top: 10, bottom: 25, containLabel: true},
    tooltip: {formatter: function (p) { var s = data.senders[data.senders.length - 1 - p.dataIndex]; return s[0] + '：退文 ' + s[2] + ' / ' + s[3] + ' 件（' + s[1] + '%）'; }},
    xAxis: {type: 'value', max: 100, axisLabel: {formatter: '{value}%'}},
    yAxis: {type: 'category', data: data.senders.map(function (s) { return s[0]; }).reverse()},
    series: [{type: 'bar', data: data.senders.map(function (s) { return s[1]; }).reverse(), itemStyle: {color: '#b5482f'}}]
  });
  chart('chart-rules', {
    grid: {left: 10, right: 20, top: 10, bottom: 25, containLabel: true},
    tooltip: {},
    xAxis: {type: 'value', minInterval: 1},
    yAxis: {type: 'category', data: data.rules.map(function (r) { return r[0]; }).reverse()},
    series: [{type: 'bar', data: data.rules.map(function (r) { return r[1]; }).reverse(), itemStyle: {color: '#8a6d2f'}}]
  });
})();
