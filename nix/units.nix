# Reads the unit files in ../systemd, so that the NixOS module and the evaluation test
# take ordering, enabling links and the binary's path from the one definition that the
# dracut VM test boots, instead of restating them.
#
# Only the subset of the unit-file syntax those files use is understood: [Section]
# headers, Key=Value lines (a repeated key accumulates), and comment lines starting with
# '#' or ';'. Anything else (for example a line continuation) is an error, so a change
# to the files that this reader would misread fails evaluation instead of passing
# silently.
{ lib }:
let
  trim =
    s:
    let
      m = builtins.match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" s;
    in
    if m == null then "" else builtins.head m;

  parse =
    name: text:
    let
      step =
        acc: raw:
        let
          line = trim raw;
          header = builtins.match "\\[([A-Za-z]+)]" line;
          kv = builtins.match "([A-Za-z]+)=(.*)" line;
        in
        if line == "" || lib.hasPrefix "#" line || lib.hasPrefix ";" line then
          acc
        else if header != null then
          acc // { section = builtins.head header; }
        else if kv != null && acc.section != null then
          let
            key = builtins.elemAt kv 0;
            value = builtins.elemAt kv 1;
            old = acc.sections.${acc.section} or { };
          in
          acc
          // {
            sections = acc.sections // {
              ${acc.section} = old // {
                ${key} = (old.${key} or [ ]) ++ [ value ];
              };
            };
          }
        else
          throw "nix/units.nix: ${name}: cannot read the line `${line}`";
    in
    (lib.foldl' step {
      section = null;
      sections = { };
    } (lib.splitString "\n" text)).sections;

  # All values of Key in Section, split at blanks: After=a b + After=c gives [a b c].
  words =
    unit: section: key:
    lib.concatMap (v: lib.filter (w: w != "") (lib.splitString " " v)) (unit.${section}.${key} or [ ]);

  # The one value of Key in Section; an error if it is missing or repeated.
  value =
    unit: section: key:
    let
      vs = unit.${section}.${key} or [ ];
    in
    if builtins.length vs == 1 then
      builtins.head vs
    else
      throw "nix/units.nix: expected exactly one ${key}= in [${section}], found ${toString (builtins.length vs)}";

  read = file: parse (baseNameOf (toString file)) (builtins.readFile file);
in
{
  inherit
    parse
    words
    value
    read
    ;

  rollback = read ../systemd/blankslate-rollback.service;
  persist = read ../systemd/blankslate-persist.service;
  audit = read ../systemd/blankslate-audit.service;
}
