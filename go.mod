module github.com/blankslate/blankslate

go 1.23.0

require (
	github.com/coreos/go-systemd/v22 v22.7.0
	github.com/sirupsen/logrus v1.10.2
)

require golang.org/x/sys v0.35.0
