
set terminal pngcairo size 900,560 font 'DejaVu Sans,10'
set output 'scaling.png'
set title 'No-op rebuild cost vs size: generated monorepo (N packages x 5 files, 2 services, 3 platforms)'
set xlabel 'distinct inputs in the depfiles (files + folders)'
set ylabel 'seconds (median), log scale'
set logscale xy
set grid
set key top left
plot 'scaling.dat' using 2:3 with linespoints lw 2 pt 7 lc rgb '#1b9e77' title 'multiarch CMake no-op (cmake --build)', \
     'scaling.dat' using 2:4 with linespoints lw 2 pt 5 lc rgb '#7570b3' title 'plain go build loop no-op', \
     'scaling.dat' using 2:5 with linespoints lw 1 dt 2 pt 1 lc rgb '#444444' title 'stat() every input once', \
     'scaling.dat' using 2:6 with linespoints lw 1 dt 3 pt 2 lc rgb '#aa3377' title 'read + SHA-256 every input once'
