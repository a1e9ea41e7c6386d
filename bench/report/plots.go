package main

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// writePlots draws, for each part measured, the median time of every contender
// with its min–max as error bars, and returns the file names written.
func writePlots(f File, dir string) ([]string, error) {
	var written []string
	for _, p := range []struct {
		bench, file, title, xlabel string
		numericX                   bool
	}{
		{"rollback", "rollback.png", "Rollback time against what the last boot wrote", "what was written since @start", false},
		{"persist", "persist.png", "Persist time against entries", "entries (bind mounts)", true},
		{"persist-initrd", "persist-initrd.png", "Persist in the systemd initrd (sysroot.mount → initrd-fs.target)", "entries (bind mounts)", true},
		{"critical-path", "critical-path.png", "Initrd critical path (zfs-import.target → initrd-fs.target)", "what the last boot wrote", false},
	} {
		if len(casesOf(f.Runs, p.bench)) == 0 {
			continue
		}
		if err := drawPlot(f, p.bench, filepath.Join(dir, p.file), p.title, p.xlabel, p.numericX); err != nil {
			return nil, fmt.Errorf("%s: %w", p.file, err)
		}
		written = append(written, p.file)
	}
	return written, nil
}

// errPoints are medians with min and max, for plotter.YErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func drawPlot(f File, bench, out, title, xlabel string, numericX bool) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "wall time, ms (log scale; median, bars min–max)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = ticks125{}
	p.Legend.Top = true
	cases := casesOf(f.Runs, bench)
	if numericX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = ticks125{}
	} else {
		var labels []string
		for _, c := range cases {
			labels = append(labels, caseLabel(bench, c))
		}
		p.NominalX(labels...)
	}
	for i, tool := range toolsOf(f.Runs, bench) {
		var pts errPoints
		for j, c := range cases {
			st, ok := stats(f.Runs, bench, c, tool)
			if !ok {
				continue
			}
			x := float64(j)
			if numericX {
				n, err := strconv.ParseFloat(c, 64)
				if err != nil {
					return err
				}
				x = n
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: x, Y: st.MedianMs})
			pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{st.MedianMs - st.MinMs, st.MaxMs - st.MedianMs})
		}
		if len(pts.XYs) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return err
		}
		c := plotutil.Color(i)
		line.Color, points.Color = c, c
		points.Shape = plotutil.Shape(i)
		bars, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return err
		}
		bars.Color = c
		bars.LineStyle.Color = c
		p.Add(line, points, bars)
		p.Legend.Add(tool, line, points)
	}
	p.Add(plotter.NewGrid())
	p.BackgroundColor = color.White
	return p.Save(8*vg.Inch, 5*vg.Inch, out)
}

// ticks125 labels 1, 2 and 5 of every decade of a log axis (plot.LogTicks labels
// only the powers of ten, too few when the data span less than a decade).
type ticks125 struct{}

func (ticks125) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for d := math.Pow(10, math.Floor(math.Log10(min))); d <= max*10; d *= 10 {
		for m := 1; m <= 9; m++ {
			v := d * float64(m)
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}
