# Charts of the deep-queue soak, drawn from the CSVs run.ts writes.
#   gnuplot -e "dir='docs/performance'; ext='svg'" test/reliability/deepSoak/charts.gp
# (charts.sh runs this). ext 'png' draws the same charts as PNG, to look at.
if (!exists("dir")) dir = 'docs/performance'
if (!exists("ext")) ext = 'svg'
rec = dir.'/soak-deep-recommended.csv'
def = dir.'/soak-deep-default.csv'

if (ext eq 'svg') { set terminal svg size 900,420 dynamic font 'sans,12' background '#ffffff' } else { set terminal pngcairo size 900,420 font 'sans,10' }
set termoption noenhanced
set datafile separator ','
set datafile columnheaders
set grid lc rgb '#dddddd'
set key top left opaque box lc rgb '#cccccc'
set xlabel 'minute of steady traffic'
set xrange [0:*]
MiB = 1048576.0
set style line 1 lc rgb '#1f77b4' lw 2 dt 1
set style line 2 lc rgb '#d62728' lw 2 dt 1
set style line 3 lc rgb '#2ca02c' lw 2 dt 1
set style line 11 lc rgb '#1f77b4' lw 2 dt 2
set style line 12 lc rgb '#d62728' lw 2 dt 2
set style line 13 lc rgb '#2ca02c' lw 2 dt 2

set output dir.'/soak-deep-sizes.'.ext
set title 'Sizes (solid: recommended autovacuum settings, dashed: server defaults)'
set ylabel 'MiB'
set yrange [0:*]
plot rec u 'minute':(column('q_total_bytes')/MiB) w lp ls 1 pt 7 ps 0.4 t 'q_ table + indexes', \
     rec u 'minute':(column('q_vt_idx_bytes')/MiB) w lp ls 2 pt 7 ps 0.4 t 'vt index', \
     rec u 'minute':(column('a_total_bytes')/MiB) w lp ls 3 pt 7 ps 0.4 t 'a_ archive + indexes', \
     def u 'minute':(column('q_total_bytes')/MiB) w l ls 11 notitle, \
     def u 'minute':(column('q_vt_idx_bytes')/MiB) w l ls 12 notitle, \
     def u 'minute':(column('a_total_bytes')/MiB) w l ls 13 notitle

set output dir.'/soak-deep-dead.'.ext
set title 'Dead tuples of the queue table, sampled each minute (solid: recommended, dashed: defaults)'
set ylabel 'n_dead_tup (thousands)'
set y2label 'autovacuum runs (q_ table)'
set y2tics
set ytics nomirror
set y2range [0:*]
plot rec u 'minute':(column('q_dead')/1000.0) w lp ls 2 pt 7 ps 0.4 t 'q_ dead, recommended', \
     def u 'minute':(column('q_dead')/1000.0) w lp ls 12 pt 6 ps 0.4 t 'q_ dead, defaults', \
     rec u 'minute':'q_autovacuum_count' axes x1y2 w steps ls 1 t 'autovacuum runs, recommended', \
     def u 'minute':'q_autovacuum_count' axes x1y2 w steps ls 11 t 'autovacuum runs, defaults'
unset y2tics
unset y2label
set ytics mirror

set output dir.'/soak-deep-read.'.ext
set title 'The worker''s read on the server (pg_stat_statements), per minute (solid: recommended, dashed: defaults)'
set ylabel 'mean execution time, ms'
set y2label 'shared buffers per read'
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:*]
plot rec u 'minute':'server_read_mean_ms' every ::1 w lp ls 1 pt 7 ps 0.4 t 'mean ms, recommended', \
     def u 'minute':'server_read_mean_ms' every ::1 w lp ls 11 pt 6 ps 0.4 t 'mean ms, defaults', \
     rec u 'minute':'server_read_buffers_per_call' every ::1 axes x1y2 w lp ls 3 pt 7 ps 0.4 t 'buffers/read, recommended', \
     def u 'minute':'server_read_buffers_per_call' every ::1 axes x1y2 w lp ls 13 pt 6 ps 0.4 t 'buffers/read, defaults'
unset y2tics
unset y2label
set ytics mirror

set output dir.'/soak-deep-read-client.'.ext
set title 'The worker''s read timed in the worker (pool wait included), per minute (solid: recommended, dashed: defaults)'
set ylabel 'ms'
plot rec u 'minute':'read_p50_ms' every ::1 w lp ls 1 pt 7 ps 0.4 t 'p50, recommended', \
     def u 'minute':'read_p50_ms' every ::1 w lp ls 11 pt 6 ps 0.4 t 'p50, defaults', \
     rec u 'minute':'read_p99_ms' every ::1 w lp ls 2 pt 7 ps 0.4 t 'p99, recommended', \
     def u 'minute':'read_p99_ms' every ::1 w lp ls 12 pt 6 ps 0.4 t 'p99, defaults'
