# A stand-in for the part of nixpkgs' `lib` that nix/module.nix, nix/units.nix,
# nix/package.nix and the tests in nix/tests use, written for this project so that the
# module's evaluation test runs on a machine that has Debian's nix-bin and no copy of
# nixpkgs (CI). It is NOT nixpkgs' lib and is not meant to grow into one: every
# function does what the nixpkgs function of the same name is documented to do, for
# the inputs these files give it, and nothing more. nix/tests/run-eval.sh uses a real
# nixpkgs lib instead whenever one is given (NIXPKGS_LIB or its first argument), and
# the flake's module-eval check always does; any difference between the two is a bug
# here.
#
# The module system below keeps the rules the evaluation test depends on:
#  - a definition of an option that no module declares is an error (as in NixOS);
#  - every definition is checked against its option's type; submodules are evaluated
#    with the same rules, recursively;
#  - priorities: mkForce (50) beats a plain definition (100) beats mkDefault (1000)
#    beats the option's default (1500); mkIf and mkMerge are pushed down into
#    attribute sets before their conditions are looked at, so a module can define
#    `config = mkIf cfg.enable { ... }` about its own options;
#  - listOf concatenates the lists of several definitions, attribute sets of options are
#    merged per attribute, a single-valued option defined twice with different values
#    is an error.
let
  inherit (builtins)
    all
    any
    attrNames
    attrValues
    concatLists
    concatMap
    concatStringsSep
    elem
    elemAt
    filter
    foldl'
    functionArgs
    genList
    hasAttr
    head
    isAttrs
    isBool
    isFunction
    isInt
    isList
    isPath
    isString
    length
    listToAttrs
    mapAttrs
    match
    replaceStrings
    split
    stringLength
    substring
    tail
    toJSON
    ;

  # ------------------------------------------------------------ lists and strings --

  optional = c: x: if c then [ x ] else [ ];
  optionals = c: xs: if c then xs else [ ];
  optionalAttrs = c: a: if c then a else { };
  optionalString = c: s: if c then s else "";
  toList = x: if isList x then x else [ x ];
  last = xs: elemAt xs (length xs - 1);
  findFirst =
    pred: fallback: xs:
    let
      hits = filter pred xs;
    in
    if hits == [ ] then fallback else head hits;
  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  genAttrs = names: f: listToAttrs (map (n: { name = n; value = f n; }) names);
  filterAttrs = pred: a: listToAttrs (map (n: { name = n; value = a.${n}; }) (filter (n: pred n a.${n}) (attrNames a)));
  mapAttrsToList = f: a: map (n: f n a.${n}) (attrNames a);
  concatMapStringsSep = sep: f: xs: concatStringsSep sep (map f xs);
  concatMapStrings = f: xs: concatStringsSep "" (map f xs);

  hasPrefix = p: s: substring 0 (stringLength p) s == p;
  hasSuffix =
    p: s:
    let
      ls = stringLength s;
      lp = stringLength p;
    in
    lp <= ls && substring (ls - lp) lp s == p;
  # True when `p` occurs anywhere in `s`.
  hasInfix =
    p: s:
    let
      lp = stringLength p;
      ls = stringLength s;
    in
    any (i: substring i lp s == p) (genList (i: i) (if ls >= lp then ls - lp + 1 else 0));
  removePrefix = p: s: if hasPrefix p s then substring (stringLength p) (stringLength s) s else s;
  removeSuffix = p: s: if hasSuffix p s then substring 0 (stringLength s - stringLength p) s else s;

  # Split at every occurrence of the literal `sep` (which is quoted for the regex).
  escapeRegex = s: replaceStrings (map (c: c) [ "\\" "[" "]" "{" "}" "(" ")" "." "*" "+" "?" "^" "$" "|" ]) (map (c: "\\" + c) [ "\\" "[" "]" "{" "}" "(" ")" "." "*" "+" "?" "^" "$" "|" ]) s;
  splitString = sep: s: filter isString (split (escapeRegex sep) s);

  escapeShellArg =
    arg:
    let
      s = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" s != null then s else "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  collect =
    pred: v:
    if pred v then
      [ v ]
    else if isAttrs v then
      concatMap (n: collect pred v.${n}) (attrNames v)
    else
      [ ];

  showOption = loc: concatStringsSep "." loc;
  showDefs = defs: concatStringsSep ", " (map (d: "${toJSON (d.value or null)} in ${toString (d.file or "?")}") defs);
  describe = v: if isAttrs v && v ? _type then "<${v._type}>" else builtins.typeOf v;

  # --------------------------------------------------------------- properties --

  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  mkDefault = mkOverride 1000;
  mkForce = mkOverride 50;
  mkOptionDefault = mkOverride 1500;

  isType = t: v: isAttrs v && (v._type or null) == t;

  # A definition value wrapped in mkMerge/mkIf/mkOverride, turned into a list of
  # { value, priority } with the conditions evaluated (at a leaf, where that is safe).
  discharge =
    priority: v:
    if isType "merge" v then
      concatMap (discharge priority) v.contents
    else if isType "if" v then
      (
        if !isBool v.condition then
          throw "mkIf called with a non-Boolean condition: ${describe v.condition}"
        else if v.condition then
          discharge priority v.content
        else
          [ ]
      )
    else if isType "override" v then
      discharge v.priority v.content
    else
      [
        {
          value = v;
          inherit priority;
        }
      ];

  # An attribute-set definition at a node of the option tree: mkMerge, mkIf and
  # mkOverride around it are moved onto each attribute, without looking at conditions.
  pushDown =
    v:
    if isType "merge" v then
      concatMap pushDown v.contents
    else if isType "if" v then
      map (mapAttrs (_: mkIf v.condition)) (pushDown v.content)
    else if isType "override" v then
      map (mapAttrs (_: mkOverride v.priority)) (pushDown v.content)
    else if isAttrs v && !(v ? _type) then
      [ v ]
    else
      throw "a definition that should be an attribute set is ${describe v}";

  # ------------------------------------------------------------------- types --

  mkOptionType =
    {
      name,
      description ? name,
      check ? (_: true),
      merge ? mergeEqual,
      getSubOptions ? (_: { }),
      nestedTypes ? { },
      functor ? { },
    }:
    {
      _type = "option-type";
      inherit
        name
        description
        check
        merge
        getSubOptions
        nestedTypes
        functor
        ;
    };

  # One value, or several identical ones.
  mergeEqual =
    loc: defs:
    let
      first = (head defs).value;
    in
    if all (d: d.value == first) defs then
      first
    else
      throw "The option `${showOption loc}' has conflicting definitions: ${showDefs defs}";

  mergeOne =
    loc: defs:
    if length defs == 1 then
      (head defs).value
    else
      throw "The option `${showOption loc}' is defined more than once (it takes one value): ${showDefs defs}";

  # `anything`: attribute sets merge per attribute; anything else (lists included) must agree.
  mergeAnything =
    loc: defs:
    let
      values = map (d: d.value) defs;
    in
    if all isAttrs values && !(any (v: v ? _type) values) then
      let
        names = unique (concatMap attrNames values);
      in
      genAttrs names (
        n:
        mergeAnything (loc ++ [ n ]) (
          concatMap (d: optional (d.value ? ${n}) {
            inherit (d) file;
            value = d.value.${n};
          }) defs
        )
      )
    else
      mergeEqual loc defs;

  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  strMatching =
    re:
    mkOptionType {
      name = "strMatching ${toJSON re}";
      check = v: isString v && match re v != null;
    };

  between =
    lo: hi:
    mkOptionType {
      name = "integer between ${toString lo} and ${toString hi} (both inclusive)";
      check = v: isInt v && v >= lo && v <= hi;
    };

  types = rec {
    str = mkOptionType {
      name = "string";
      check = isString;
    };
    bool = mkOptionType {
      name = "boolean";
      check = isBool;
    };
    int = mkOptionType {
      name = "signed integer";
      check = isInt;
    };
    ints = {
      between = between;
      unsigned = mkOptionType {
        name = "unsigned integer";
        check = v: isInt v && v >= 0;
      };
      positive = mkOptionType {
        name = "positive integer";
        check = v: isInt v && v > 0;
      };
    };
    path = mkOptionType {
      name = "path";
      check = v: isPath v || (isString v && hasPrefix "/" v) || isDerivation v;
    };
    package = mkOptionType {
      name = "package";
      check = isDerivation;
      merge = mergeOne;
    };
    inherit strMatching;
    separatedString =
      sep:
      mkOptionType {
        name = "strings separated by ${toJSON sep}";
        check = isString;
        merge = _: defs: concatStringsSep sep (map (d: d.value) defs);
      };
    enum =
      values:
      mkOptionType {
        name = "one of ${concatStringsSep ", " (map toJSON values)}";
        check = v: elem v values;
      };
    attrs = mkOptionType {
      name = "attribute set";
      check = isAttrs;
      merge = _: defs: foldl' (acc: d: acc // d.value) { } defs;
    };
    anything = mkOptionType {
      name = "anything";
      merge = mergeAnything;
    };
    unspecified = mkOptionType {
      name = "unspecified value";
      merge = mergeAnything;
    };
    functionTo =
      t:
      mkOptionType {
        name = "function that evaluates to a(n) ${t.name}";
        check = isFunction;
        merge = mergeOne;
      };
    oneOf =
      ts:
      mkOptionType {
        name = concatStringsSep " or " (map (t: t.name) ts);
        check = v: any (t: t.check v) ts;
        merge = loc: defs: (findFirst (t: all (d: t.check d.value) defs) (head ts) ts).merge loc defs;
      };
    either = a: b: oneOf [ a b ];

    nullOr =
      t:
      mkOptionType {
        name = "null or ${t.name}";
        check = v: v == null || t.check v;
        merge =
          loc: defs:
          let
            nulls = filter (d: d.value == null) defs;
          in
          if length nulls == length defs then
            null
          else if nulls != [ ] then
            throw "The option `${showOption loc}' is defined both null and not null: ${showDefs defs}"
          else
            t.merge loc defs;
        getSubOptions = t.getSubOptions;
        nestedTypes.elemType = t;
      };

    listOf =
      t:
      mkOptionType {
        name = "list of ${t.name}";
        check = isList;
        merge =
          loc: defs:
          concatLists (
            map (
              d:
              genList (
                i:
                let
                  v = elemAt d.value i;
                  l = loc ++ [ "[definition ${toString i}]" ];
                in
                if t.check v then
                  t.merge l [
                    {
                      inherit (d) file;
                      value = v;
                    }
                  ]
                else
                  throw "A definition for option `${showOption l}' is not of type `${t.name}': ${toJSON v}"
              ) (length d.value)
            ) defs
          );
        getSubOptions = prefix: t.getSubOptions (prefix ++ [ "*" ]);
        nestedTypes.elemType = t;
      };

    attrsOf =
      t:
      mkOptionType {
        name = "attribute set of ${t.name}";
        check = isAttrs;
        merge =
          loc: defs:
          let
            pushed = concatMap (
              d:
              map (a: {
                inherit (d) file;
                value = a;
              }) (pushDown d.value)
            ) defs;
            names = unique (concatMap (d: attrNames d.value) pushed);
            perName = n: concatMap (d: optional (d.value ? ${n}) { inherit (d) file; value = d.value.${n}; }) pushed;
            merged = genAttrs names (n: mergeDefinitions (loc ++ [ n ]) t (perName n));
          in
          mapAttrs (_: r: r.value) (filterAttrs (_: r: r.isDefined) merged);
        getSubOptions = prefix: t.getSubOptions (prefix ++ [ "<name>" ]);
        nestedTypes.elemType = t;
      };

    coercedTo =
      from: f: to:
      mkOptionType {
        name = "${to.name} or ${from.name} convertible to it";
        check = v: (from.check v && to.check (f v)) || to.check v;
        merge = loc: defs: to.merge loc (map (d: d // { value = if from.check d.value then f d.value else d.value; }) defs);
        getSubOptions = to.getSubOptions;
        nestedTypes = {
          coercedType = from;
          finalType = to;
        };
      };

    submoduleWith =
      {
        modules,
        specialArgs ? { },
      }:
      mkOptionType {
        name = "submodule";
        check = v: isAttrs v || isFunction v;
        merge =
          loc: defs:
          (evalModules {
            inherit specialArgs;
            prefix = loc;
            modules =
              modules
              ++ [ { _module.args.name = last loc; } ]
              ++ map (d: {
                _file = d.file;
                config = d.value;
              }) defs;
          }).config;
        getSubOptions =
          prefix:
          (evalModules {
            inherit specialArgs prefix;
            modules = modules ++ [ { _module.args.name = last prefix; } ];
          }).options;
      };
    submodule = m: submoduleWith { modules = toList m; };
  };

  # ------------------------------------------------------------------ options --

  mkOption =
    attrs:
    attrs
    // {
      _type = "option";
    };
  mkEnableOption =
    name:
    mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
    };
  isOption = isType "option";
  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };
  literalMD = text: {
    _type = "literalMD";
    inherit text;
  };

  # The value of one option from its definitions ({ file, value } with properties):
  # { isDefined, value }.
  mergeDefinitions =
    loc: type: defs:
    let
      discharged = concatMap (
        d:
        map (x: x // { inherit (d) file; }) (discharge 100 d.value)
      ) defs;
      best = foldl' (acc: d: if d.priority < acc then d.priority else acc) 9999 discharged;
      winners = filter (d: d.priority == best) discharged;
      bad = filter (d: !type.check d.value) winners;
    in
    {
      isDefined = winners != [ ];
      value =
        if bad != [ ] then
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values: ${showDefs bad}"
        else
          type.merge loc winners;
    };

  # ------------------------------------------------------------- evalModules --

  evalModules =
    {
      modules,
      specialArgs ? { },
      prefix ? [ ],
    }:
    let
      # Every module as { file, options, config }, imports followed.
      collectModules =
        file: m:
        let
          loaded = if isPath m || isString m then import m else m;
          f = if isPath m || isString m then toString m else file;
          called =
            if isFunction loaded then
              loaded (genAttrs (attrNames (functionArgs loaded)) (argument f))
            else
              loaded;
          # As nixpkgs' lib/modules.nix (unifyModuleSyntax): a module that names
          # neither options nor config is all config, imports or not.
          structured = called ? options || called ? config;
          norm = {
            file = called._file or f;
            options = called.options or { };
            config =
              if structured then
                called.config or { }
              else
                removeAttrs called [
                  "_file"
                  "imports"
                ];
          };
        in
        [ norm ] ++ concatMap (collectModules f) (called.imports or [ ]);

      collected = concatMap (collectModules "<unknown>") modules;

      moduleArgs = foldl' (acc: m: acc // ((m.config._module or { }).args or { })) { } (
        filter (m: isAttrs m.config && !(m.config ? _type)) collected
      );
      # lib, config and options are looked up without going through the modules'
      # _module.args, which are only known once every module has been called.
      fixedArgs = {
        inherit lib config options;
      };
      argument =
        f: n:
        if fixedArgs ? ${n} then
          fixedArgs.${n}
        else if specialArgs ? ${n} then
          specialArgs.${n}
        else
          moduleArgs.${n} or (throw "module argument `${n}' is not available (in ${f})");

      # The option tree: declarations from every module merged; two declarations of
      # one option are an error.
      mergeDecls =
        path: decls:
        let
          names = unique (concatMap attrNames decls);
        in
        genAttrs names (
          n:
          let
            here = map (d: d.${n}) (filter (d: d ? ${n}) decls);
            opts = filter isOption here;
          in
          if opts == [ ] then
            mergeDecls (path ++ [ n ]) here
          else if length here > 1 then
            throw "The option `${showOption (prefix ++ path ++ [ n ])}' is declared more than once"
          else
            (head opts) // { loc = prefix ++ path ++ [ n ]; }
        );

      declared = mergeDecls [ ] (
        map (m: m.options) collected
        ++ [
          {
            _module.args = mkOption {
              type = types.attrs;
              internal = true;
              default = { };
              description = "Arguments given to every module.";
            };
          }
        ]
      );

      # Values at one node of the option tree; defs are { file, value } where value is
      # this node's part of a module's config.
      evalNode =
        path: decls: defs:
        let
          pushed = concatMap (
            d:
            map (a: {
              inherit (d) file;
              value = a;
            }) (pushDown d.value)
          ) defs;
          defNames = unique (concatMap (d: attrNames d.value) pushed);
          unknown = filter (n: !(decls ? ${n})) defNames;
          childDefs = n: concatMap (d: optional (d.value ? ${n}) { inherit (d) file; value = d.value.${n}; }) pushed;
          child =
            n:
            let
              decl = decls.${n};
              l = prefix ++ path ++ [ n ];
            in
            if isOption decl then
              let
                ds =
                  childDefs n
                  ++ optional (decl ? default) {
                    file = "the default";
                    value = mkOptionDefault decl.default;
                  };
                r = mergeDefinitions l decl.type ds;
                v =
                  if r.isDefined then
                    r.value
                  else
                    throw "The option `${showOption l}' is used but not defined.";
              in
              if decl ? apply then decl.apply v else v
            else
              evalNode (path ++ [ n ]) decl (childDefs n);
          values = genAttrs (attrNames decls) child;
        in
        if unknown != [ ] then
          throw "The option `${showOption (prefix ++ path ++ [ (head unknown) ])}' does not exist. Definition values: ${
            showDefs (childDefs (head unknown))
          }"
        else
          values;

      config = evalNode [ ] declared (
        map (m: {
          inherit (m) file;
          value = m.config;
        }) collected
      );
      options = declared;
    in
    {
      inherit config options;
    };

  # ------------------------------------------------------------------ the rest --

  lib = {
    inherit
      all
      any
      attrNames
      attrValues
      collect
      concatLists
      concatMap
      concatMapStrings
      concatMapStringsSep
      concatStringsSep
      elem
      elemAt
      escapeShellArg
      evalModules
      filter
      filterAttrs
      findFirst
      foldl'
      genAttrs
      hasAttr
      hasInfix
      hasPrefix
      hasSuffix
      head
      isAttrs
      isDerivation
      isFunction
      isList
      isOption
      isString
      last
      length
      literalExpression
      literalMD
      mapAttrs
      mapAttrsToList
      mkDefault
      mkEnableOption
      mkForce
      mkIf
      mkMerge
      mkOption
      mkOptionDefault
      mkOptionType
      mkOverride
      optional
      optionalAttrs
      optionalString
      optionals
      removePrefix
      removeSuffix
      replaceStrings
      showOption
      splitString
      tail
      toList
      types
      unique
      ;
    # The named output of a package when it has one, else the package.
    getOutput = output: pkg: if pkg ? ${output} then pkg.${output} else pkg;
    id = x: x;
    const = x: _: x;
    # Marks this lib for the tests ("is this the stand-in?").
    blankslateStandIn = true;
    version = "stand-in";
    platforms.linux = [
      "x86_64-linux"
      "aarch64-linux"
    ];
    # package.nix names its source with lib.fileset; nothing here reads `src`, and
    # forcing it is an error rather than a silent copy of the tree.
    fileset = {
      unions = xs: xs;
      fileFilter = pred: root: { inherit pred root; };
      difference = positive: negative: { inherit positive negative; };
      toSource = _: throw "lib.fileset.toSource: not available in the stand-in lib (nix/tests/lib)";
    };
  };
in
lib
