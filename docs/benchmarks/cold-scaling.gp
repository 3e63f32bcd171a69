
set terminal pngcairo size 1340,520 font 'DejaVu Sans,10'
set output 'cold-scaling.png'
set multiplot layout 1,3 title "Monorepo of S Kratos-style services x 3 platforms - 2 cores"
set xlabel 'services S (log scale)'
set ylabel 'seconds (median; bars: min..max), log scale'
set logscale xy
set xtics ("2" 2, "32" 32)
set xrange [1.5384615384615383:41.6]
set grid
set key top left font ',8'
set title 'cold (Go cache warm)'
plot 'cold-scaling-cold.dat' using 1:2:3:4 with yerrorlines lc rgb '#1b9e77' lw 2 pt 7 title 'multiarch CMake (OCI)', 'cold-scaling-cold.dat' using 1:5:6:7 with yerrorlines lc rgb '#7570b3' lw 2 pt 7 title 'plain go build loop', 'cold-scaling-cold.dat' using 1:8:9:10 with yerrorlines lc rgb '#e7298a' lw 2 pt 7 title 'ko build'
set title 'no-op'
plot 'cold-scaling-noop.dat' using 1:2:3:4 with yerrorlines lc rgb '#1b9e77' lw 2 pt 7 title 'multiarch CMake (OCI)', 'cold-scaling-noop.dat' using 1:5:6:7 with yerrorlines lc rgb '#7570b3' lw 2 pt 7 title 'plain go build loop', 'cold-scaling-noop.dat' using 1:8:9:10 with yerrorlines lc rgb '#e7298a' lw 2 pt 7 title 'ko build'
set title 'leaf file edited'
plot 'cold-scaling-leaf.dat' using 1:2:3:4 with yerrorlines lc rgb '#1b9e77' lw 2 pt 7 title 'multiarch CMake (OCI)', 'cold-scaling-leaf.dat' using 1:5:6:7 with yerrorlines lc rgb '#7570b3' lw 2 pt 7 title 'plain go build loop', 'cold-scaling-leaf.dat' using 1:8:9:10 with yerrorlines lc rgb '#e7298a' lw 2 pt 7 title 'ko build'
unset multiplot
