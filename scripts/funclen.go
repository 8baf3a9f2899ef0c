//go:build ignore

// Command funclen lists the functions of the Go files named on the command line (tests excluded),
// longest first: lines, file:line, name; -min N leaves out those shorter than N lines.
//
//	go run scripts/funclen.go -min 80 store/*.go reconcile/*.go
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	type fn struct {
		lines int
		pos   string
		name  string
	}
	var fns []fn
	least := 0
	args := os.Args[1:]
	if len(args) > 1 && args[0] == "-min" {
		least, _ = strconv.Atoi(args[1])
		args = args[2:]
	}
	fset := token.NewFileSet()
	for _, path := range args {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				t := fd.Recv.List[0].Type
				if s, ok := t.(*ast.StarExpr); ok {
					t = s.X
				}
				if id, ok := t.(*ast.Ident); ok {
					name = id.Name + "." + name
				}
			}
			start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
			if n := end.Line - start.Line + 1; n >= least {
				fns = append(fns, fn{n, fmt.Sprintf("%s:%d", path, start.Line), name})
			}
		}
	}
	sort.SliceStable(fns, func(i, j int) bool { return fns[i].lines > fns[j].lines })
	for _, f := range fns {
		fmt.Printf("%4d  %-32s %s\n", f.lines, f.pos, f.name)
	}
}
