# gnuplot script: the STDP window as a scatter plot, like the seed notebook's.
# Usage: gnuplot -e "csv='stdp_window.csv'; png='stdp_window.png'" plot.gp
set terminal pngcairo size 900,600 enhanced font ",12"
set output png
set datafile separator ","
set key off
set grid
set xrange [-200:200]
set xlabel "{/Symbol D}t = t_{post} - t_{pre} [ms]"
set ylabel "{/Symbol D}w [lambda]"
set title "STDP window: NESTML stdp\\_synapse onto izhikevich\\_neuron (delay 15 ms)"
set arrow from -15, graph 0 to -15, graph 1 nohead dashtype 2 lc rgb "gray40"
set arrow from graph 0, first 0 to graph 1, first 0 nohead dashtype 2 lc rgb "gray40"
plot csv using 1:2 skip 1 with points pt 7 ps 1.2 lc rgb "#1f77b4"
