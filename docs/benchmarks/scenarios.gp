
set terminal pngcairo size 1000,560 font 'DejaVu Sans,10'
set output 'scenarios.png'
set title "Kratos-style service, 2 services x 3 platforms - 2 cores"
set ylabel 'seconds (median; bars: min..max), log scale'
set logscale y
set yrange [0.005:*]
set grid ytics
set key outside bottom center horizontal
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
plot 'scenarios.dat' using 2:3:4:xtic(1) title 'multiarch CMake (OCI)' lc rgb '#1b9e77', 'scenarios.dat' using 5:6:7 title 'multiarch CMake (buildx)' lc rgb '#66a61e', 'scenarios.dat' using 8:9:10 title 'seed Dockerfile (buildx)' lc rgb '#d95f02', 'scenarios.dat' using 11:12:13 title 'plain go build loop' lc rgb '#7570b3'
