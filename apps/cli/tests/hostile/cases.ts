import type { HostileFixtures } from './fixtures';

/** What kind of hostile input a case gives. */
export type Category =
  | 'input file'
  | 'model file'
  | 'non-finite weights'
  | 'deep/huge JSON'
  | 'shapes'
  | 'flags'
  | 'output path'
  | 'image content'
  | 'dataset'
  | 'importer file'
  | 'gallery';

export interface HostileCase {
  /** The command as typed (`train detector`). */
  readonly command: string;
  readonly category: Category;
  /** What the case gives, in words (the test's name). */
  readonly what: string;
  /** The arguments after the command's words; `fx.at(...)` names fixtures. */
  readonly args: (fx: HostileFixtures) => string[];
  /** 1 (failure) or 2 (usage error). */
  readonly code: 1 | 2;
  /** What stderr must say (the message naming what and where). */
  readonly stderr: RegExp | ((fx: HostileFixtures) => RegExp);
  /** Meaningful only when not run as root (root reads a chmod 000 file): skipped, and said so, under root. */
  readonly notAsRoot?: boolean;
}


const IMAGES = [
  ['missing.png', 'input file', 'a missing image', /missing\.png.*(does not exist|no such file|not found)/is],
  ['fifo.png', 'input file', 'a FIFO given as an image', /fifo\.png.*not a regular file.*FIFO/is],
  ['folder.png', 'input file', 'a folder given as an image', /folder\.png.*(not a regular file|is a (folder|directory))/is],
  ['empty.png', 'input file', 'an empty file', /empty\.png.*empty/is],
  ['truncated.png', 'image content', 'a truncated PNG', /truncated\.png.*(truncated|corrupt|cannot|could not|decode|premature|unexpected end)/is],
  ['text.jpg', 'image content', 'text named .jpg', /text\.jpg.*(not an image|unsupported|unknown|format)/is],
  ['svg.jpg', 'image content', 'an SVG named .jpg (refused by content)', /svg\.jpg.*SVG is refused by default.*--allow-svg/is],
] as const;

/** The image cases of a command that reads images, with `extra` arguments (its model). */
function imageCases(command: string, extra: (fx: HostileFixtures) => string[], only?: readonly string[]): HostileCase[] {
  return IMAGES.filter(([file]) => !only || only.includes(file)).map(([file, category, what, stderr]) => ({
    command,
    category,
    what,
    args: (fx: HostileFixtures) => [fx.at(file), ...extra(fx)],
    code: 1,
    stderr,
  }));
}

/** The damaged-model-folder cases of a command taking a model folder with `flag` (or positionally when flag is ''). */
function modelCases(command: string, build: (model: string, fx: HostileFixtures) => string[], only?: readonly string[], resolved = false): HostileCase[] {
  // Commands that find the model folder first (classify, evaluate, train classifier --init: resolveModelDir) make a missing
  // or wrong folder a usage error (2) that says how to get a classifier; the others load it and fail (1).
  const usage = new Set(resolved ? ['nowhere', 'ok.png', 'empty-dir'] : []);
  const all: [string, Category, string, RegExp | ((fx: HostileFixtures) => RegExp)][] = [
    ['nowhere', 'model file', 'a model folder that does not exist', /nowhere.*(does not exist|no such|not found|no model)/is],
    ['ok.png', 'model file', 'an image file given as the model folder', /ok\.png.*(not a (model )?folder|not a directory|model\.json|not a model)/is],
    ['empty-dir', 'model file', 'an empty folder as the model', /empty-dir.*model\.json/is],
    ['cls-truncated-json', 'model file', 'model.json cut short', /cls-truncated-json.*model\.json.*(JSON|unexpected end|truncated)/is],
    ['cls-deep-json', 'deep/huge JSON', 'model.json nested 100 000 levels', /cls-deep-json.*model\.json.*nests deeper than the limit of 256 levels/is],
    ['cls-short-shard', 'model file', 'a weight shard cut short', /cls-short-shard.*\.bin.*bytes/is],
    ['cls-no-shard', 'model file', 'a missing weight shard', /cls-no-shard.*\.bin/is],
    ['cls-nan', 'non-finite weights', 'a NaN weight', /cls-nan\/group1-shard1of1\.bin", weight "conv1\/kernel", byte offset 8: value at index 2 .*\(NaN\) is not finite/],
    ['cls-inf', 'non-finite weights', 'an Infinity weight', /cls-inf\/group1-shard1of1\.bin", weight "conv1\/kernel", byte offset 4: value at index 1 .*\(Infinity\) is not finite/],
    ['cls-wrong-shape', 'shapes', 'a weight of the wrong shape in the manifest', /cls-wrong-shape.*shape/is],
    ['cls-huge-shape', 'shapes', 'a weight claiming 1e18 elements', /cls-huge-shape.*(bytes|shape|elements)/is],
    ['cls-path-escape', 'model file', 'a shard path that leaves the folder', /cls-path-escape.*(outside|inside|escape|leaves)/is],
    ['cls-fifo-json', 'input file', 'model.json that is a FIFO', /cls-fifo-json\/model\.json": is not a regular file \(a FIFO \(named pipe\)\)/],
    ['cls-dir-json', 'input file', 'model.json that is a folder', /cls-dir-json\/model\.json": is not a regular file \(a folder\)/],
  ];
  return all
    .filter(([name]) => !only || only.includes(name))
    .map(([name, category, what, stderr]) => ({ command, category, what, args: (fx: HostileFixtures) => build(fx.at(name), fx), code: usage.has(name) ? 2 : 1, stderr }));
}

const flag = (command: string, what: string, args: string[], stderr: RegExp, code: 1 | 2 = 2): HostileCase => ({ command, category: 'flags', what, args: () => args, code, stderr });

const PROC = '/proc/mobilenet-kit-hostile/out';
const SYS = '/sys/kernel/mobilenet-kit-hostile/out';
/** --out (or another output flag) under /proc, naming an existing file, and inside a file. */
function outputCases(command: string, outFlag: string, before: (fx: HostileFixtures) => string[], file?: string, usage?: RegExp): HostileCase[] {
  const target = (dir: string) => (file ? `${dir}/${file}` : dir);
  // usage: a command that checks the file's folder as a usage error (2) with its own words.
  return [
    { command, category: 'output path', what: `${outFlag} under /proc (cannot be created)`, args: (fx) => [...before(fx), outFlag, target(PROC)], code: usage ? 2 : 1, stderr: usage ?? new RegExp(`${outFlag}.*/proc/mobilenet-kit-hostile.*(cannot create|refuses)`, 's') },
    { command, category: 'output path', what: `${outFlag} inside a regular file (no parent folder)`, args: (fx) => [...before(fx), outFlag, target(fx.at('a-file', 'sub'))], code: usage ? 2 : 1, stderr: usage ?? new RegExp(`${outFlag}.*a-file.*(regular file|not a folder)`, 's') },
    // Permission denied even for root (the tests run as root, so a chmod 000 folder would not do): sysfs refuses new folders with EPERM.
    { command, category: 'output path', what: `${outFlag} under /sys/kernel (permission denied)`, args: (fx) => [...before(fx), outFlag, target(SYS)], code: usage ? 2 : 1, stderr: usage ?? new RegExp(`${outFlag}.*/sys/kernel.*permission denied`, 's') },
  ];
}

export function hostileCases(): HostileCase[] {
  const cls = (fx: HostileFixtures) => ['--model', fx.at('cls'), '--backend', 'wasm'];
  const cases: HostileCase[] = [
    // classify
    ...imageCases('classify', cls),
    { command: 'classify', category: 'image content', what: 'an SVG that links a local file, with --allow-svg', args: (fx) => [fx.at('link.svg'), '--allow-svg', ...cls(fx)], code: 1, stderr: /link\.svg.*(href|reference)/is },
    { command: 'classify', category: 'input file', what: 'an image that cannot be read (chmod 000)', args: (fx) => [fx.at('unreadable.png'), ...cls(fx)], code: 1, stderr: /unreadable\.png.*permission denied/is, notAsRoot: true },
    { command: 'classify', category: 'input file', what: '/dev/null (a character device)', args: (fx) => ['/dev/null', ...cls(fx)], code: 1, stderr: /\/dev\/null.*not a regular file.*(character device|device)/is },
    ...modelCases('classify', (m, fx) => [fx.at('ok.png'), '--model', m, '--backend', 'wasm'], undefined, true),
    { command: 'classify', category: 'model file', what: 'a model folder without classification metadata', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls-no-task'), '--backend', 'wasm'], code: 1, stderr: /cls-no-task.*not a classifier: the model has no metadata/is },
    { command: 'classify', category: 'model file', what: 'a graph with an unknown op', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls-bad-op'), '--backend', 'wasm'], code: 1, stderr: /cls-bad-op.*fancyConv/is },
    flag('classify', '--top-k 0', ['x.png', '--model', 'm', '--top-k', '0'], /--top-k.*0.*integer ≥ 1/s),
    flag('classify', '--top-k NaN', ['x.png', '--model', 'm', '--top-k', 'NaN'], /--top-k.*NaN/s),
    flag('classify', '--top-k -3', ['x.png', '--model', 'm', '--top-k', '-3'], /--top-k.*-3/s),
    flag('classify', '--backend nope', ['x.png', '--model', 'm', '--backend', 'nope'], /--backend.*nope/s),
    flag('classify', 'an unknown flag', ['x.png', '--model', 'm', '--frobnicate'], /unknown flag --frobnicate/),
    flag('classify', 'no --model', ['x.png'], /--model/),

    // detect (face-api's SSD; images are read per file)
    ...imageCases('detect', () => ['--backend', 'cpu']),
    { command: 'detect', category: 'image content', what: 'an SVG that links a local file, with --allow-svg', args: (fx) => [fx.at('link.svg'), '--allow-svg', '--backend', 'cpu'], code: 1, stderr: /link\.svg.*(href|reference)/is },
    { command: 'detect', category: 'image content', what: 'an SVG of 0×0 pixels, with --allow-svg', args: (fx) => [fx.at('zero.svg'), '--allow-svg', '--backend', 'cpu'], code: 1, stderr: /zero\.svg": corrupt or truncated image data.*bad dimensions/s },
    { command: 'detect', category: 'input file', what: '/dev/null (a character device)', args: () => ['/dev/null', '--backend', 'cpu'], code: 1, stderr: /\/dev\/null.*not a regular file/is },
    flag('detect', '--min-score 2', ['x.png', '--min-score', '2'], /--min-score.*2.*from 0 to 1/s),
    flag('detect', '--min-score NaN', ['x.png', '--min-score', 'NaN'], /--min-score.*NaN/s),
    flag('detect', '--iou -0.5', ['x.png', '--iou', '-0.5'], /--iou.*-0\.5/s),
    flag('detect', '--max-results -1', ['x.png', '--max-results', '-1'], /--max-results.*-1/s),
    flag('detect', '--max-results 1.5', ['x.png', '--max-results', '1.5'], /--max-results.*1\.5/s),
    flag('detect', '--format gif', ['x.png', '--format', 'gif'], /--format.*gif/s),
    flag('detect', 'no images', [], /image/i),
    ...outputCases('detect', '--out', (fx) => [fx.at('ok.png'), '--backend', 'cpu']),
    { command: 'detect', category: 'model file', what: '--model-dir an empty folder', args: (fx) => [fx.at('ok.png'), '--model-dir', fx.at('empty-dir'), '--backend', 'cpu'], code: 1, stderr: /empty-dir.*ssd_mobilenetv1_model-weights_manifest\.json/is },
    { command: 'detect', category: 'model file', what: '--model a classifier folder (not a detector)', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls'), '--backend', 'cpu'], code: 1, stderr: /cls.*(detector|detection|task)/is },
    ...modelCases('detect', (m, fx) => [fx.at('ok.png'), '--model', m, '--backend', 'cpu'], ['nowhere', 'cls-deep-json', 'cls-nan', 'cls-short-shard']),

    // embed
    ...imageCases('embed', () => ['--backend', 'wasm'], ['missing.png', 'fifo.png', 'folder.png', 'truncated.png', 'svg.jpg']),
    flag('embed', '--margin -1', ['x.png', '--margin', '-1'], /--margin.*-1/s),
    flag('embed', '--min-score 1e9', ['x.png', '--min-score', '1e9'], /--min-score.*1e9/s),
    flag('embed', '--model nope (neither teacher, student nor a folder)', ['x.png', '--model', 'nope', '--backend', 'wasm'], /nope/, 1),
    { command: 'embed', category: 'model file', what: '--face-api-dir an empty folder', args: (fx) => [fx.at('ok.png'), '--face-api-dir', fx.at('empty-dir'), '--backend', 'wasm'], code: 1, stderr: /empty-dir.*(ssd_mobilenetv1|face_recognition)/is },
    { command: 'embed', category: 'model file', what: '--model a classifier folder (not an embedding)', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls'), '--backend', 'wasm'], code: 1, stderr: /cls" is not allowed; its model\.json has no "metadata\.faceEmbedder"/ },
    ...modelCases('embed', (m, fx) => [fx.at('ok.png'), '--model', m, '--backend', 'wasm'], ['cls-deep-json', 'cls-nan']),

    // match
    flag('match', 'no --gallery', ['x.png'], /--gallery/),
    flag('match', '--threshold 0', ['--gallery', 'g', '--threshold', '0'], /--threshold.*0/s),
    flag('match', '--threshold NaN', ['--gallery', 'g', '--threshold', 'NaN'], /--threshold.*NaN/s),
    { command: 'match', category: 'gallery', what: 'a gallery that does not exist', args: (fx) => ['--gallery', fx.at('nowhere.json'), '--backend', 'wasm'], code: 1, stderr: /nowhere\.json.*(does not exist|no such|not found)/is },
    { command: 'match', category: 'gallery', what: 'an empty gallery JSON', args: (fx) => ['--gallery', fx.at('gallery-empty.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-empty\.json.*(empty|no (people|labels|references|descriptors))/is },
    { command: 'match', category: 'gallery', what: 'a gallery entry without a label', args: (fx) => ['--gallery', fx.at('gallery-nolabel.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-nolabel\.json.*label/is },
    { command: 'match', category: 'gallery', what: 'a gallery vector of the wrong length', args: (fx) => ['--gallery', fx.at('gallery-short.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-short\.json.*(3|length|dimensions)/is },
    { command: 'match', category: 'gallery', what: 'a gallery value 1e400', args: (fx) => ['--gallery', fx.at('gallery-huge.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-huge\.json.*(Infinity|finite|1e400)/is },
    { command: 'match', category: 'gallery', what: 'a gallery value NaN (as a string)', args: (fx) => ['--gallery', fx.at('gallery-nan.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-nan\.json.*(NaN|number)/is },
    { command: 'match', category: 'gallery', what: 'a gallery JSON that is an array of numbers', args: (fx) => ['--gallery', fx.at('gallery-array.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-array\.json.*expected a JSON object, got an array/is },
    { command: 'match', category: 'gallery', what: 'a gallery JSON cut short', args: (fx) => ['--gallery', fx.at('gallery-broken.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-broken\.json.*JSON/is },
    { command: 'match', category: 'deep/huge JSON', what: 'a gallery JSON nested 100 000 levels', args: (fx) => ['--gallery', fx.at('gallery-deep.json'), '--backend', 'wasm'], code: 1, stderr: /gallery-deep\.json.*nests deeper/is },
    { command: 'match', category: 'gallery', what: 'a damaged binary gallery', args: (fx) => ['--gallery', fx.at('gallery.bin'), '--backend', 'wasm'], code: 1, stderr: /gallery\.bin/is },
    { command: 'match', category: 'gallery', what: 'a gallery folder without people', args: (fx) => ['--gallery', fx.at('gallery-folder-empty'), '--backend', 'wasm'], code: 1, stderr: /gallery-folder-empty.*(no (people|subfolders)|empty)/is },
    { command: 'match', category: 'gallery', what: 'a gallery person whose photos have no face', args: (fx) => ['--gallery', fx.at('gallery-noface'), '--backend', 'wasm'], code: 1, stderr: /gallery-noface: no face found in any photo of ann/ },
    { command: 'match', category: 'input file', what: 'a FIFO as the gallery', args: (fx) => ['--gallery', fx.at('fifo.png'), '--backend', 'wasm'], code: 1, stderr: /fifo\.png.*not a regular file/is },
    ...outputCases('match', '--save-gallery', (fx) => ['--gallery', fx.at('faces'), '--backend', 'wasm'], 'g.json'),
    { command: 'match', category: 'output path', what: '--save-gallery an existing folder', args: (fx) => ['--gallery', fx.at('faces'), '--save-gallery', fx.at('existing-out'), '--backend', 'wasm'], code: 1, stderr: /--save-gallery.*existing-out: is a folder/is },

    // attributes
    ...imageCases('attributes', () => ['--backend', 'wasm'], ['missing.png', 'fifo.png', 'truncated.png', 'svg.jpg']),
    flag('attributes', '--min-score -1', ['x.png', '--min-score', '-1'], /--min-score.*-1/s),
    flag('attributes', '--margin NaN', ['x.png', '--margin', 'NaN'], /--margin.*NaN/s),
    flag('attributes', '--format bmp', ['x.png', '--format', 'bmp'], /--format.*bmp/s),
    { command: 'attributes', category: 'model file', what: '--model a classifier folder (not an attribute model)', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls'), '--backend', 'wasm'], code: 1, stderr: /cls.*(attribute|task)/is },
    ...modelCases('attributes', (m, fx) => [fx.at('ok.png'), '--model', m, '--backend', 'wasm'], ['nowhere', 'cls-deep-json']),
    ...outputCases('attributes', '--out', (fx) => [fx.at('ok.png'), '--backend', 'wasm']),

    // geolocate
    flag('geolocate', 'no --model', ['x.png'], /--model/),
    flag('geolocate', '--top-k 0', ['x.png', '--model', 'm', '--top-k', '0'], /--top-k.*0/s),
    flag('geolocate', '--estimate median', ['x.png', '--model', 'm', '--estimate', 'median'], /--estimate.*median/s),
    { command: 'geolocate', category: 'model file', what: '--model a classifier folder (not a geo model)', args: (fx) => [fx.at('ok.png'), '--model', fx.at('cls'), '--backend', 'wasm'], code: 1, stderr: /cls.*(geo|cells|task)/is },
    ...modelCases('geolocate', (m, fx) => [fx.at('ok.png'), '--model', m, '--backend', 'wasm'], ['nowhere', 'cls-deep-json', 'cls-nan']),
    ...outputCases('geolocate', '--map', (fx) => [fx.at('ok.png'), '--model', fx.at('cls'), '--backend', 'wasm']),

    // evaluate (classifier)
    ...modelCases('evaluate', (m, fx) => [m, fx.at('classes-ok'), '--backend', 'wasm'], ['nowhere', 'cls-truncated-json', 'cls-deep-json', 'cls-nan', 'cls-short-shard'], true),
    { command: 'evaluate', category: 'model file', what: 'a model folder without classification metadata', args: (fx) => [fx.at('cls-no-task'), fx.at('classes-ok'), '--backend', 'wasm'], code: 1, stderr: /cls-no-task.*not a classifier/is },
    { command: 'evaluate', category: 'dataset', what: 'a class folder holding a truncated image', args: (fx) => [fx.at('cls'), fx.at('classes'), '--backend', 'wasm'], code: 1, stderr: /classes\/one\/bad\.png.*corrupt or truncated/is },
    { command: 'evaluate', category: 'dataset', what: 'a test folder that does not exist', args: (fx) => [fx.at('cls'), fx.at('nowhere'), '--backend', 'wasm'], code: 2, stderr: /test set ".*nowhere" is neither fashion-mnist nor a folder/ },
    { command: 'evaluate', category: 'dataset', what: 'fashion-mnist with --data an empty folder', args: (fx) => [fx.at('cls'), 'fashion-mnist', '--data', fx.at('empty-dir'), '--backend', 'wasm'], code: 1, stderr: /empty-dir.*ubyte/is },
    { command: 'evaluate', category: 'dataset', what: 'class folders whose names are not the model\'s labels', args: (fx) => [fx.at('cls'), fx.at('classes-ok'), '--backend', 'wasm'], code: 1, stderr: /(one|two).*(label|class)/is },
    flag('evaluate', '--limit 0', ['m', 'fashion-mnist', '--limit', '0'], /--limit.*0/s),
    flag('evaluate', 'no test set', ['m'], /test set|argument/i),

    // evaluate detector
    { command: 'evaluate detector', category: 'model file', what: 'a detector folder that does not exist', args: (fx) => [fx.at('nowhere'), fx.at('coco-broken.json'), '--backend', 'wasm'], code: 1, stderr: /nowhere.*(does not exist|no such|not found|model\.json)/is },
    { command: 'evaluate detector', category: 'model file', what: 'a classifier folder (not a detector)', args: (fx) => [fx.at('cls'), fx.at('coco-missing-image.json'), '--backend', 'wasm'], code: 1, stderr: /cls.*(detector|detection|task)/is },
    { command: 'evaluate detector', category: 'deep/huge JSON', what: 'a detector model.json nested 100 000 levels', args: (fx) => [fx.at('cls-deep-json'), fx.at('coco-missing-image.json'), '--backend', 'wasm'], code: 1, stderr: /cls-deep-json.*nests deeper/is },
    { command: 'evaluate detector', category: 'dataset', what: 'a COCO JSON cut short', args: (fx) => [fx.at('det'), fx.at('coco-broken.json'), '--backend', 'wasm'], code: 1, stderr: /coco-broken\.json.*JSON/is },
    { command: 'evaluate detector', category: 'dataset', what: 'a dataset that does not exist', args: (fx) => [fx.at('det'), fx.at('nowhere.json'), '--backend', 'wasm'], code: 1, stderr: /nowhere\.json/is },
    { command: 'evaluate detector', category: 'deep/huge JSON', what: 'a COCO JSON nested 100 000 levels', args: (fx) => [fx.at('det'), fx.at('coco-deep.json'), '--backend', 'wasm'], code: 1, stderr: /coco-deep\.json.*nests deeper/is },
    { command: 'evaluate detector', category: 'dataset', what: 'a VOC folder without annotations', args: (fx) => [fx.at('det'), fx.at('voc-empty'), '--backend', 'wasm'], code: 1, stderr: /voc-empty.*no \.xml annotation files/is },
    { command: 'evaluate detector', category: 'input file', what: 'a FIFO as the COCO JSON', args: (fx) => [fx.at('det'), fx.at('fifo.png'), '--backend', 'wasm'], code: 1, stderr: /fifo\.png.*(not a regular file|VOC)/is },
    ...outputCases('evaluate detector', '--out', (fx) => [fx.at('det'), fx.at('coco-ok.json'), '--backend', 'wasm']),

    // evaluate geo
    ...modelCases('evaluate geo', (m, fx) => [m, fx.at('photos'), '--locations', fx.at('photos-located.csv'), '--backend', 'wasm'], ['nowhere', 'cls-deep-json', 'cls-nan']),
    { command: 'evaluate geo', category: 'model file', what: 'a classifier folder (not a geo model)', args: (fx) => [fx.at('cls'), fx.at('photos'), '--locations', fx.at('photos-located.csv'), '--backend', 'wasm'], code: 1, stderr: /cls.*(geo|cells|task)/is },
    { command: 'evaluate geo', category: 'dataset', what: 'photos without any location', args: (fx) => [fx.at('cls'), fx.at('photos'), '--backend', 'wasm'], code: 1, stderr: /photos: no located photo/is },
    { command: 'evaluate geo', category: 'dataset', what: 'a photo folder that does not exist', args: (fx) => [fx.at('cls'), fx.at('nowhere'), '--backend', 'wasm'], code: 1, stderr: /nowhere/is },
    { command: 'evaluate geo', category: 'dataset', what: '--locations a CSV with latitude 95', args: (fx) => [fx.at('cls'), fx.at('photos'), '--locations', fx.at('locations-bad.csv'), '--backend', 'wasm'], code: 1, stderr: /(locations-bad\.csv|cls)/is },
    flag('evaluate geo', '--estimate median', ['m', 'f', '--estimate', 'median'], /--estimate.*median/s),

    // export
    flag('export', '--classes 1e9', ['--untrained', '--alpha', '0.25', '--resolution', '32', '--classes', '1e9', '--out', 'x.onnx'], /--classes.*1e9/s),
    flag('export', '--alpha 0', ['--untrained', '--alpha', '0', '--out', 'x.onnx'], /--alpha.*0/s),
    flag('export', '--alpha NaN', ['--untrained', '--alpha', 'NaN', '--out', 'x.onnx'], /--alpha.*NaN/s),
    flag('export', '--resolution 31', ['--untrained', '--resolution', '31', '--out', 'x.onnx'], /--resolution.*31/s),
    flag('export', '--opset 99', ['--untrained', '--opset', '99', '--out', 'x.onnx'], /--opset.*99/s),
    flag('export', '--format pdf', ['--untrained', '--format', 'pdf', '--out', 'x.pdf'], /--format.*pdf/s),
    flag('export', 'neither a model folder nor --untrained', ['--out', 'x.onnx'], /--untrained/),
    ...modelCases('export', (m, fx) => [m, '--out', fx.at('new.onnx')], ['nowhere', 'cls-truncated-json', 'cls-deep-json', 'cls-nan', 'cls-inf', 'cls-wrong-shape']),
    ...outputCases('export', '--out', (fx) => [fx.at('cls')], 'm.onnx', /the folder of --out .*\/m\.onnx \(.*\) does not exist/),
    { command: 'export', category: 'output path', what: '--out an existing folder for an ONNX file', args: (fx) => [fx.at('cls'), '--out', fx.at('existing-out')], code: 2, stderr: /--out.*existing-out.*folder/is },

    // import
    { command: 'import', category: 'input file', what: 'a file that does not exist', args: (fx) => [fx.at('nowhere.h5'), '--out', fx.at('new-model')], code: 1, stderr: /nowhere\.h5.*(does not exist|no such|not found)/is },
    { command: 'import', category: 'input file', what: 'a file that cannot be read (chmod 000)', args: (fx) => [fx.at('unreadable.onnx'), '--out', fx.at('new-model')], code: 1, stderr: /unreadable\.onnx.*permission denied/is, notAsRoot: true },
    { command: 'import', category: 'input file', what: 'a FIFO', args: (fx) => [fx.at('fifo.png'), '--out', fx.at('new-model')], code: 1, stderr: /fifo\.png.*not a regular file/is },
    { command: 'import', category: 'input file', what: 'an empty folder', args: (fx) => [fx.at('empty-dir'), '--out', fx.at('new-model')], code: 1, stderr: /empty-dir.*model\.json/is },
    { command: 'import', category: 'importer file', what: 'an ONNX file cut in half', args: (fx) => [fx.at('truncated.onnx'), '--out', fx.at('new-model')], code: 1, stderr: /truncated\.onnx/is },
    { command: 'import', category: 'importer file', what: '512 bytes of 0xff named .onnx', args: (fx) => [fx.at('garbage.onnx'), '--out', fx.at('new-model')], code: 1, stderr: /garbage\.onnx/is },
    { command: 'import', category: 'importer file', what: 'an empty .onnx', args: (fx) => [fx.at('empty.onnx'), '--out', fx.at('new-model')], code: 1, stderr: /empty\.onnx": holds no graph nodes: not an ONNX model/ },
    { command: 'import', category: 'importer file', what: 'text named .h5', args: (fx) => [fx.at('fake.h5'), '--out', fx.at('new-model')], code: 1, stderr: /fake\.h5.*(HDF5|signature|format)/is },
    { command: 'import', category: 'importer file', what: 'an HDF5 signature and nothing else', args: (fx) => [fx.at('hdf5-sig.h5'), '--out', fx.at('new-model')], code: 1, stderr: /hdf5-sig\.h5/is },
    { command: 'import', category: 'importer file', what: 'a tfjs-layers model.json cut short', args: (fx) => [fx.at('tfjs-broken'), '--out', fx.at('new-model')], code: 1, stderr: /tfjs-broken.*model\.json.*JSON/is },
    { command: 'import', category: 'deep/huge JSON', what: 'a tfjs-layers model.json nested 100 000 levels', args: (fx) => [fx.at('tfjs-deep'), '--out', fx.at('new-model')], code: 1, stderr: /tfjs-deep.*model\.json.*nests deeper/is },
    { command: 'import', category: 'importer file', what: 'a model.json without a topology', args: (fx) => [fx.at('tfjs-no-topology'), '--out', fx.at('new-model')], code: 1, stderr: /tfjs-no-topology.*(topology|model\.json)/is },
    { command: 'import', category: 'importer file', what: 'a tfjs-layers model that is no MobileNet', args: (fx) => [fx.at('tfjs-graph-like'), '--out', fx.at('new-model')], code: 1, stderr: /tfjs-graph-like.*(MobileNet|layer)/is },
    { command: 'import', category: 'importer file', what: 'TM metadata.json cut short', args: (fx) => [fx.at('tfjs-ok'), '--metadata', fx.at('metadata-broken.json'), '--out', fx.at('new-model')], code: 1, stderr: /metadata-broken\.json.*not valid JSON/is },
    { command: 'import', category: 'deep/huge JSON', what: 'TM metadata.json nested 100 000 levels', args: (fx) => [fx.at('tfjs-ok'), '--metadata', fx.at('metadata-deep.json'), '--out', fx.at('new-model')], code: 1, stderr: /metadata-deep\.json.*nests deeper/is },
    { command: 'import', category: 'importer file', what: 'TM metadata.json without labels', args: (fx) => [fx.at('tfjs-ok'), '--metadata', fx.at('metadata-nolabels.json'), '--out', fx.at('new-model')], code: 1, stderr: /metadata-nolabels\.json": "labels" must be a non-empty list of strings/ },
    { command: 'import', category: 'input file', what: 'TM metadata.json that is a FIFO', args: (fx) => [fx.at('tfjs-ok'), '--metadata', fx.at('fifo.png'), '--out', fx.at('new-model')], code: 1, stderr: /fifo\.png.*not a regular file/is },
    { command: 'import', category: 'importer file', what: 'a Keras .h5 cut in half', args: (fx) => [fx.at('truncated.h5'), '--out', fx.at('new-model')], code: 1, stderr: /truncated\.h5/is },
    { command: 'import', category: 'importer file', what: 'a tfjs-layers model whose weights.bin is cut short', args: (fx) => [fx.at('tfjs-short-bin'), '--out', fx.at('new-model')], code: 1, stderr: /weights\.bin.*truncated/is },
    { command: 'import', category: 'input file', what: '--labels a file that does not exist', args: (fx) => [fx.at('m.onnx'), '--labels', fx.at('nowhere.txt'), '--out', fx.at('new-model')], code: 1, stderr: /nowhere\.txt/is },
    { command: 'import', category: 'importer file', what: 'an image given as the file to import', args: (fx) => [fx.at('ok.png'), '--out', fx.at('new-model')], code: 1, stderr: /ok\.png/is },
    { command: 'import', category: 'shapes', what: '--alpha 0.5 against a 0.25 file', args: (fx) => [fx.at('m.onnx'), '--alpha', '0.5', '--out', fx.at('new-model')], code: 1, stderr: /m\.onnx.*(0\.5|alpha|α)/is },
    flag('import', '--resolution 1e9', ['m.onnx', '--resolution', '1e9'], /--resolution.*1e9/s),
    flag('import', 'no file', [], /file|argument/i),
    ...outputCases('import', '--out', (fx) => [fx.at('m.onnx')]),
    { command: 'import', category: 'output path', what: '--out an existing folder holding other files', args: (fx) => [fx.at('m.onnx'), '--out', fx.at('existing-out')], code: 1, stderr: /existing-out/is },

    // summary
    flag('summary', '--alpha 0', ['--alpha', '0'], /--alpha.*0/s),
    flag('summary', '--alpha -1', ['--alpha', '-1'], /--alpha.*-1/s),
    flag('summary', '--alpha NaN', ['--alpha', 'NaN'], /--alpha.*NaN/s),
    flag('summary', '--alpha Infinity', ['--alpha', 'Infinity'], /--alpha.*Infinity/s),
    flag('summary', '--resolution 31', ['--resolution', '31'], /--resolution.*31/s),
    flag('summary', '--resolution 1e9 --json', ['--resolution', '1e9', '--json'], /--resolution.*1e9/s),
    flag('summary', '--classes 0', ['--classes', '0'], /--classes.*0/s),
    flag('summary', '--classes 1e9', ['--classes', '1e9'], /--classes.*1e9/s),
    flag('summary', '--variant tiny', ['--variant', 'tiny'], /--variant.*tiny/s),
    flag('summary', '--pooling avg without --no-top', ['--pooling', 'avg'], /--pooling avg needs --no-top/),
    flag('summary', '--task segmentation', ['--task', 'segmentation'], /--task.*segmentation/s),
    flag('summary', '--depth-multiplier 0.5', ['--depth-multiplier', '0.5'], /--depth-multiplier.*0\.5/s),
    flag('summary', 'a positional argument', ['model.json'], /model\.json/),

    // paper
    flag('paper', 'a positional argument', ['table2'], /table2/),
    flag('paper', 'an unknown flag', ['--table', '2'], /unknown flag --table/),

    // train (fashion-mnist)
    { command: 'train', category: 'dataset', what: '--data an empty folder', args: (fx) => ['fashion-mnist', '--data', fx.at('empty-dir'), '--out', fx.at('new-run')], code: 1, stderr: /empty-dir.*ubyte/is },
    { command: 'train', category: 'dataset', what: '--data a folder of damaged IDX files', args: (fx) => ['fashion-mnist', '--data', fx.at('bad-idx'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /bad-idx.*ubyte/is },
    flag('train', 'an unknown dataset', ['mnist'], /unknown dataset "mnist"/),
    flag('train', '--epochs 0', ['fashion-mnist', '--epochs', '0'], /--epochs.*0/s),
    flag('train', '--limit 5', ['fashion-mnist', '--limit', '5'], /--limit.*5/s),
    flag('train', '--fit crop', ['fashion-mnist', '--fit', 'crop'], /--fit.*crop/s),
    ...outputCases('train', '--out', (fx) => ['fashion-mnist', '--data', fx.at('fashion'), '--limit', '10', '--test-limit', '1', '--epochs', '1', '--alpha', '0.25', '--backend', 'wasm']),

    // train classifier
    { command: 'train classifier', category: 'dataset', what: 'a folder that does not exist', args: (fx) => [fx.at('nowhere'), '--out', fx.at('new-run')], code: 1, stderr: /nowhere/is },
    { command: 'train classifier', category: 'dataset', what: 'a folder with one class', args: (fx) => [fx.at('one-class'), '--out', fx.at('new-run')], code: 1, stderr: /one-class.*(two|2|classes)/is },
    { command: 'train classifier', category: 'input file', what: 'a file instead of a folder', args: (fx) => [fx.at('ok.png'), '--out', fx.at('new-run')], code: 1, stderr: /ok\.png.*(folder|directory)/is },
    { command: 'train classifier', category: 'dataset', what: 'a class folder holding a truncated image', args: (fx) => [fx.at('classes'), '--out', fx.at('new-run'), '--alpha', '0.25', '--resolution', '32', '--epochs', '1', '--backend', 'wasm'], code: 1, stderr: /bad\.png/is },
    flag('train classifier', '--val-split 1', ['d', '--val-split', '1'], /--val-split.*1/s),
    { command: 'train classifier', category: 'flags', what: '--fine-tune-from conv_nope', args: (fx) => [fx.at('classes-ok'), '--fine-tune-from', 'conv_nope', '--out', fx.at('new-run')], code: 2, stderr: /--fine-tune-from "conv_nope" is not a MobileNet v1 layer; --fine-tune-from takes conv1, conv_dw_1/ },
    ...modelCases('train classifier', (m, fx) => [fx.at('classes-ok'), '--init', m, '--out', fx.at('new-run'), '--backend', 'wasm'], ['nowhere', 'cls-deep-json', 'cls-nan'], true),
    ...outputCases('train classifier', '--out', (fx) => [fx.at('classes-ok'), '--alpha', '0.25', '--resolution', '32', '--epochs', '1', '--backend', 'wasm']),

    // train detector
    ...([
      ['coco-broken.json', 'a COCO JSON cut short', /coco-broken\.json.*JSON/is],
      ['coco-deep.json', 'a COCO JSON nested 100 000 levels', /coco-deep\.json.*nests deeper/is],
      ['coco-no-images.json', 'a COCO JSON without images', /coco-no-images\.json.*images/is],
      ['coco-bad-box.json', 'a COCO box with NaN and a negative height', /coco-bad-box\.json.*(bbox|box)/is],
      ['coco-missing-image.json', 'a COCO image file that does not exist', /missing\.png/is],
      ['coco-unknown-category.json', 'a COCO annotation of an unknown category', /coco-unknown-category\.json.*(category|7)/is],
      ['voc', 'a VOC annotation cut short', /a\.xml/is],
      ['voc-empty', 'a VOC folder without annotations', /voc-empty.*(Annotations|xml|no )/is],
      ['voc-badbox', 'a VOC box with xmax "abc"', /a\.xml.*(xmax|box)/is],
      ['nowhere.json', 'a dataset that does not exist', /nowhere\.json/is],
    ] as const).map(([file, what, stderr]): HostileCase => ({ command: 'train detector', category: 'dataset', what, args: (fx) => [fx.at(file), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr })),
    flag('train detector', '--taps conv_nope', ['d.json', '--taps', 'conv_nope'], /conv_nope/),
    flag('train detector', '--batch-norm sometimes', ['d.json', '--batch-norm', 'sometimes'], /--batch-norm.*sometimes/s),
    flag('train detector', '--val-split -0.1', ['d.json', '--val-split', '-0.1'], /--val-split.*-0\.1/s),
    { command: 'train detector', category: 'model file', what: '--init a classifier folder (not a detector)', args: (fx) => [fx.at('coco-ok.json'), '--init', fx.at('cls'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /cls.*(detector|detection|task)/is },
    { command: 'train detector', category: 'non-finite weights', what: '--init a folder with a NaN weight', args: (fx) => [fx.at('coco-ok.json'), '--init', fx.at('cls-nan'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /cls-nan.*NaN/is },
    ...outputCases('train detector', '--out', (fx) => [fx.at('coco-ok.json'), '--backend', 'wasm']),

    // train face-distill
    flag('train face-distill', '--resolution 100', ['--resolution', '100'], /--resolution.*100/s),
    flag('train face-distill', '--alpha 2', ['--alpha', '2'], /--alpha.*2/s),
    flag('train face-distill', '--held-out 1', ['--held-out', '1'], /--held-out.*1/s),
    { command: 'train face-distill', category: 'dataset', what: '--data a folder that does not exist', args: (fx) => ['--data', fx.at('nowhere'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /nowhere/is },
    flag('train face-distill', '--views 0', ['--views', '0'], /--views.*0/s),
    ...outputCases('train face-distill', '--out', (fx) => ['--data', fx.at('photos'), '--backend', 'wasm']),
    flag('train face-distill', '--decay linear', ['--decay', 'linear'], /--decay.*linear/s),

    // train face-attributes
    flag('train face-attributes', '--resolution 100', ['--resolution', '100'], /--resolution.*100/s),
    flag('train face-attributes', '--temperature 0', ['--temperature', '0'], /--temperature.*0/s),
    { command: 'train face-attributes', category: 'dataset', what: '--data-cache a distill-set.json cut short', args: (fx) => ['--data-cache', fx.at('cache-truncated'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /cache-truncated.*distill-set\.json.*not valid JSON.*damaged/is },
    { command: 'train face-attributes', category: 'dataset', what: '--data-cache a distill-set.json without its bin entry', args: (fx) => ['--data-cache', fx.at('cache-no-bin-field'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /cache-no-bin-field.*distill-set\.json.*no "bin"/is },
    flag('train face-attributes', '--held-out 0', ['--held-out', '0'], /--held-out.*0/s),
    ...outputCases('train face-attributes', '--out', (fx) => ['--data-cache', fx.at('cache-truncated'), '--backend', 'wasm']),
    { command: 'train face-attributes', category: 'input file', what: '--data-cache whose distill-set.json is a FIFO', args: (fx) => ['--data-cache', fx.at('cache-fifo'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /cache-fifo.*distill-set\.json.*not a regular file/is },

    // train faces
    { command: 'train faces', category: 'dataset', what: 'a folder that does not exist', args: (fx) => [fx.at('nowhere'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /nowhere/is },
    { command: 'train faces', category: 'dataset', what: 'a folder without people', args: (fx) => [fx.at('empty-dir'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /empty-dir/is },
    flag('train faces', '--people-per-batch 1', ['d', '--people-per-batch', '1'], /--people-per-batch.*1/s),
    flag('train faces', '--mining random', ['d', '--mining', 'random'], /--mining.*random/s),
    { command: 'train faces', category: 'model file', what: '--from a classifier folder (not an embedding)', args: (fx) => [fx.at('faces'), '--from', fx.at('cls'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /--from .*cls: not an embedding model: its graph has no output named "embedding" \(outputs: predictions\)/ },
    { command: 'train faces', category: 'dataset', what: 'people whose photos have no face', args: (fx) => [fx.at('gallery-noface'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /no face found.*\n.*0 person with a face/is },
    ...outputCases('train faces', '--out', (fx) => [fx.at('faces'), '--backend', 'wasm']),

    // train geo
    ...([
      ['locations-bad.csv', 'a CSV with latitude 95', /locations-bad\.csv.*(95|latitude)/is],
      ['locations-nan.csv', 'a CSV with latitude "abc"', /locations-nan\.csv.*(abc|latitude)/is],
      ['locations-header.csv', 'a CSV without the file,lat,lon header', /locations-header\.csv.*(header|file,lat,lon|column)/is],
      ['locations-escape.csv', 'a CSV row naming a file outside its folder', /locations-escape\.csv.*(passwd|outside)/is],
      ['nowhere.csv', 'a CSV that does not exist', /nowhere\.csv/is],
    ] as const).map(([file, what, stderr]): HostileCase => ({ command: 'train geo', category: 'dataset', what, args: (fx) => [fx.at('photos'), '--locations', fx.at(file), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr })),
    { command: 'train geo', category: 'dataset', what: 'a photo folder that does not exist', args: (fx) => [fx.at('nowhere'), '--out', fx.at('new-run'), '--backend', 'wasm'], code: 1, stderr: /nowhere/is },
    { command: 'train geo', category: 'flags', what: '--val-split 1', args: (fx) => [fx.at('photos'), '--locations', fx.at('photos-located.csv'), '--val-split', '1', '--out', fx.at('new-run')], code: 2, stderr: /--val-split.*1/s },
    flag('train geo', '--smoothing NaN', ['d', '--smoothing', 'NaN'], /--smoothing.*NaN/s),
    ...outputCases('train geo', '--out', (fx) => [fx.at('photos'), '--locations', fx.at('photos-located.csv'), '--backend', 'wasm']),
  ];
  return cases;
}
