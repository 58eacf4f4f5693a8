"""Code for checking CodeBLEU's compiled path against the Python one, per language.

Functions of 5 to 30 lines written to reach every data-flow rule in dataflow_rules.py for their
language (assignments single, multiple and compound; declarations with and without a value;
increments; if/else chains; every kind of loop; Python's comprehensions and lambdas), with
escapes and non-ASCII text in strings and, where the language allows, in names; tabs; comments.
`mutations` breaks each one a few fixed ways, so trees with syntax errors are covered too.
"""
from __future__ import annotations

import re
import zlib


def _tabs(code: str) -> str:
    """Indent with tabs instead of groups of four spaces (gofmt's style, and a tab case elsewhere)."""
    return re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), code)


PYTHON = [
    r'''def fibonacci(limit):
    a, b = 0, 1
    series = []
    while a < limit:
        series.append(a)
        a, b = b, a + b
    return series''',
    r'''def grade(score):
    if score >= 90:
        letter = "A"
    elif score >= 80:
        letter = "B"
    elif score >= 70:
        letter = "C"
    else:
        letter = "F"
    bonus = 0
    if letter == "A":
        bonus += 10
    return letter, score + bonus''',
    r'''def running_totals(pairs):
    total = count = 0
    for index, (key, value) in enumerate(pairs):
        if value is None:
            continue
        total += value
        count += 1
    else:
        mean = total / count if count else 0.0
    return total, mean''',
    r'''def summarize(records):
    names = [r["name"].strip() for r in records if r.get("active")]
    by_id = {r["id"]: r for r in records}
    pairs = [(x, y) for x in range(3) for y in range(x) if x != y]
    total = sum(len(n) for n in names)
    unique = {n.lower() for n in names}
    return names, by_id, pairs, total, unique''',
    r'''def rank(items, key=None, reverse=False, limit=10):
    key = key or (lambda item: item[1])
    scored = sorted(items, key=key, reverse=reverse)
    best = max(scored, key=lambda pair: (pair[1], -len(pair[0])), default=None)
    top = list(map(lambda p: p[0], scored[:limit]))
    return best, top''',
    r'''def greet(name, lang="fr"):
    greetings = {"fr": "Bonjour, café crème é", "zh": "你好，中文", "emoji": "hi 👋🏽"}
    text = greetings.get(lang, "Hello") + ", " + name
    escaped = "tab\there\nnew line \"quoted\" \\ back \u00e9 \x41"
    raw = r"C:\path\no\escape"
    data = b"\x00\xff bytes"
    return f"{text}! {escaped!r} {raw} {len(data)}"''',
    r'''def mesure(größe, 宽度=2):
    fläche = größe * 宽度
    résumé = "größe=" + str(größe)
    for ü in range(größe):
        fläche += ü
    return fläche, résumé''',
    r'''class Account:
    """A bank account with a running balance."""

    def __init__(self, owner, balance=0):
        self.owner = owner  # who holds it
        self.balance = balance
        self.history = []

    def deposit(self, amount):
        # negative deposits are withdrawals in disguise
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance''',
    r'''def read_config(path):
    settings = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                key, _, value = line.partition("=")
                settings[key.strip()] = value.strip()
    except FileNotFoundError as error:
        settings = {"error": str(error)}
    finally:
        loaded = True
    return settings, loaded''',
    _tabs(r'''def count_words(text):
    counts = {}
    for word in text.split():
        word = word.lower()
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts'''),
    r'''def binary_search(values, target):
    lo, hi = 0, len(values) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if values[mid] == target:
            return mid
        elif values[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1''',
    r'''def make_counter(start=0):
    count = start

    def step(by=1):
        nonlocal count
        count += by
        return count

    global calls
    calls = 0
    return step''',
    r'''def split_head(items):
    first, *rest = items
    left = right = None
    width: int = len(rest)
    height: int
    if (n := len(rest)) > 3:
        left, right = rest[:n // 2], rest[n // 2:]
    x = y = z = 0
    x -= 1; y *= 2; z **= 3
    return first, left, right, width, x, y, z''',
    r'''def matrix_product(a, b):
    rows, cols, inner = len(a), len(b[0]), len(b)
    result = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            acc = 0
            for k in range(inner):
                acc += a[i][k] * b[k][j]
            result[i][j] = acc
    return result''',
    r'''def parse_flags(argv):
    verbose = quiet = False
    out = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-v", "--verbose"):
            verbose = True
        elif arg == "-q":
            quiet = True
        elif arg == "-o":
            i += 1
            out = argv[i]
        i += 1
    return verbose and not quiet, out''',
    r"""def render(rows):
    '''Render rows as a table; 'quotes' and "doubles" inside.'''
    header = '|'.join(['col_%d' % i for i in range(len(rows[0]))])
    lines = [header, '-' * len(header)]
    lines += ['|'.join(str(c) for c in row) for row in rows]
    joined = '\n'.join(lines)  # one per line
    return joined + '\n'""",
]

JAVA = [
    r'''public class Stats {
    public static double mean(int[] values) {
        int sum = 0;
        int count;
        count = values.length;
        for (int i = 0; i < count; i++) {
            sum += values[i];
        }
        return count == 0 ? 0.0 : (double) sum / count;
    }
}''',
    r'''static String classify(int temperature) {
    String label;
    if (temperature < 0) {
        label = "freezing";
    } else if (temperature < 15) {
        label = "cold";
    } else if (temperature < 25) {
        label = "mild";
    } else {
        label = "hot";
    }
    return label;
}''',
    r'''int countVowels(List<String> words) {
    int total = 0, longest = 0;
    for (String word : words) {
        int n = 0;
        for (char c : word.toCharArray()) {
            if ("aeiouAEIOU".indexOf(c) >= 0) n++;
        }
        total += n;
        longest = Math.max(longest, n);
    }
    return total * 100 + longest;
}''',
    r'''public int gcd(int a, int b) {
    while (b != 0) {
        int t = b;
        b = a % b;
        a = t;
    }
    return a;
}''',
    r'''void reverse(int[] data) {
    for (int i = 0, j = data.length - 1; i < j; i++, j--) {
        int tmp = data[i];
        data[i] = data[j];
        data[j] = tmp;
    }
    int k = 10;
    do {
        k -= 3;
        --k;
    } while (k > 0);
}''',
    r'''public String greet(String name) {
    String hello = "Grüße, " + name + " \u00e9\t\"quoted\"\n";
    String chinese = "你好，世界";
    String emoji = "ok 👍 done";
    char tab = '\t', quote = '\'';
    StringBuilder out = new StringBuilder();
    out.append(hello).append(chinese).append(tab).append(emoji).append(quote);
    return out.toString();
}''',
    r'''double fläche(double größe, double höhe) {
    double ergebnis = größe * höhe;
    int 计数 = 0;
    while (ergebnis > 100) {
        ergebnis /= 2;
        计数++;
    }
    return ergebnis + 计数;
}''',
    r'''public Map<String, Integer> wordCounts(String text) {
    Map<String, Integer> counts = new HashMap<>();
    // split on whitespace, ignore case
    for (String raw : text.split("\\s+")) {
        String word = raw.toLowerCase();
        counts.merge(word, 1, Integer::sum);
    }
    /* drop single occurrences */
    counts.entrySet().removeIf(e -> e.getValue() < 2);
    return counts;
}''',
    r'''int parse(String s, int fallback) {
    int value;
    try {
        value = Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
        value = fallback;
    } finally {
        attempts++;
    }
    value <<= 1;
    value |= 1;
    return value;
}''',
    r'''String dayName(int day) {
    String name;
    switch (day) {
        case 1: name = "Monday"; break;
        case 2: name = "Tuesday"; break;
        case 6:
        case 7: name = "Weekend"; break;
        default: name = "Midweek";
    }
    return name;
}''',
    r'''public List<Integer> primes(int limit) {
    boolean[] composite = new boolean[limit + 1];
    List<Integer> found = new ArrayList<>();
    for (int p = 2; p <= limit; p++) {
        if (composite[p]) continue;
        found.add(p);
        for (long m = (long) p * p; m <= limit; m += p) {
            composite[(int) m] = true;
        }
    }
    return found;
}''',
    r'''class Counter {
    private int count;
    private final String name;

    Counter(String name) {
        this.name = name;
        this.count = 0;
    }

    int increment(int by) {
        count += by;
        return count;
    }
}''',
    r'''Optional<String> longest(List<String> items) {
    Comparator<String> byLength = (a, b) -> Integer.compare(a.length(), b.length());
    String best = null;
    int i = 0;
    while (i < items.size()) {
        String item = items.get(i);
        if (best == null || byLength.compare(item, best) > 0) best = item;
        i += 1;
    }
    return Optional.ofNullable(best);
}''',
    _tabs(r'''long factorial(int n) {
    long result = 1;
    for (int i = 2; i <= n; i++) {
        result *= i;
    }
    return result;
}'''),
]

JAVASCRIPT = [
    r'''function sum(values, start = 0) {
  let total = start;
  for (let i = 0; i < values.length; i++) {
    total += values[i];
  }
  return total;
}''',
    r'''function classify(n) {
  let kind;
  if (n < 0) {
    kind = "negative";
  } else if (n === 0) {
    kind = "zero";
  } else {
    kind = "positive";
  }
  return kind;
}''',
    r'''const countBy = (items, keyFn = (x) => x) => {
  const counts = {};
  for (const item of items) {
    const key = keyFn(item);
    counts[key] = (counts[key] || 0) + 1;
  }
  return counts;
};''',
    r'''function keysOf(obj) {
  var out = [], n = 0;
  for (var k in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    out.push(k);
    n++;
  }
  return { out, n };
}''',
    r'''function gcd(a, b) {
  while (b !== 0) {
    const t = b;
    b = a % b;
    a = t;
  }
  let steps = 3;
  do {
    steps--;
  } while (steps > 0);
  return a;
}''',
    r'''function greet(name, { lang = "fr", loud = false } = {}) {
  const words = { fr: "Bonjour é", zh: "你好，中文", emoji: "hey 🎉" };
  let text = `${words[lang] ?? "Hello"}, ${name}!`;
  text += "\t\"tab\"\n\\ \u00e9 \x41";
  const quote = 'it\'s';
  return loud ? text.toUpperCase() + quote : text;
}''',
    r'''function mesurer(größe, 宽度 = 2) {
  let fläche = größe * 宽度;
  const café = "crème";
  for (let ü = 0; ü < größe; ü++) {
    fläche += ü;
  }
  return café + fläche;
}''',
    r'''async function fetchAll(urls, retries = 2) {
  const results = [];
  for (const url of urls) {
    let attempt = 0;
    while (attempt <= retries) {
      try {
        results.push(await fetch(url));
        break;
      } catch (err) {
        attempt += 1;
      }
    }
  }
  return results;
}''',
    r'''class Stack {
  constructor(capacity = 16) {
    this.items = [];
    this.capacity = capacity;
  }
  push(value) {
    if (this.items.length >= this.capacity) {
      throw new RangeError("stack full");
    }
    this.items.push(value);
    return this.items.length;
  }
}''',
    r'''function parseQuery(query) {
  const params = {};
  // strip the leading question mark
  const text = query.replace(/^\?/, "");
  for (const part of text.split("&")) {
    const [key, value = ""] = part.split("=");
    params[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  /* empty keys are dropped */
  delete params[""];
  return params;
}''',
    r'''function range(start, end, step = 1) {
  const out = [];
  let x = start;
  x **= 1;
  while (x < end) {
    out.push(x);
    x += step;
  }
  let flags = 0;
  flags |= 4;
  flags <<= 1;
  return [out, flags];
}''',
    r'''function weekday(d) {
  let name;
  switch (d) {
    case 0:
      name = "Sunday";
      break;
    case 6:
      name = "Saturday";
      break;
    default:
      name = "weekday";
  }
  return name;
}''',
    r'''const memo = (fn) => {
  const cache = new Map();
  return (...args) => {
    const key = JSON.stringify(args);
    if (!cache.has(key)) cache.set(key, fn(...args));
    else hits++;
    return cache.get(key);
  };
};''',
    _tabs(r'''function matrix(n, m) {
    const rows = [];
    for (let i = 0; i < n; i++) {
        const row = new Array(m).fill(0);
        for (let j = 0; j < m; j++) row[j] = i * j;
        rows.push(row);
    }
    return rows;
}'''),
]

GO = [_tabs(code) for code in [
    r'''func Sum(values []int) int {
    var total int
    for i := 0; i < len(values); i++ {
        total += values[i]
    }
    return total
}''',
    r'''func Classify(n int) string {
    var kind string = "zero"
    if n < 0 {
        kind = "negative"
    } else if n > 100 {
        kind = "large"
    } else if n > 0 {
        kind = "positive"
    } else {
        kind = "zero"
    }
    return kind
}''',
    r'''func Fibonacci(limit int) []int {
    a, b := 0, 1
    var series []int
    for a < limit {
        series = append(series, a)
        a, b = b, a+b
    }
    return series
}''',
    r'''func WordCounts(text string) map[string]int {
    counts := make(map[string]int)
    for _, word := range strings.Fields(text) {
        word = strings.ToLower(word)
        counts[word]++
    }
    for key, n := range counts {
        if n < 2 {
            delete(counts, key)
        }
    }
    return counts
}''',
    r'''func GCD(a, b int) int {
    for b != 0 {
        a, b = b, a%b
    }
    steps := 0
    for {
        steps++
        if steps > 3 {
            break
        }
    }
    return a
}''',
    r'''func Greet(name string) string {
    var (
        hello = "Grüße, " + name
        zh    = "你好，中文"
        emoji = "ok 👍"
        raw   = `C:\raw\path "kept"`
    )
    escaped := "tab\there\n\"quoted\" \\ \u00e9"
    r := 'é'
    return fmt.Sprintf("%s %s %s %s %s %c", hello, zh, emoji, raw, escaped, r)
}''',
    r'''func Fläche(größe int, höhe int) int {
    ergebnis := größe * höhe
    var 计数 int
    for ergebnis > 100 {
        ergebnis /= 2
        计数++
    }
    return ergebnis + 计数
}''',
    r'''func ReadLines(path string) ([]string, error) {
    file, err := os.Open(path)
    if err != nil {
        return nil, err
    }
    defer file.Close()
    var lines []string
    scanner := bufio.NewScanner(file)
    for scanner.Scan() {
        lines = append(lines, scanner.Text())
    }
    return lines, scanner.Err()
}''',
    r'''func Reverse(data []int) {
    for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
        data[i], data[j] = data[j], data[i]
    }
    var count int = len(data)
    count--
    count <<= 1
    count |= 1
    _ = count
}''',
    r'''func (s *Stack) Push(value int) int {
    if len(s.items) >= s.capacity {
        s.capacity *= 2
    }
    s.items = append(s.items, value)
    s.pushes++
    return len(s.items)
}''',
    r'''func Weekday(d int) string {
    var name string
    switch d {
    case 0, 6:
        name = "weekend"
    case 3:
        name = "midweek"
    default:
        name = "weekday"
    }
    return name
}''',
    r'''func Primes(limit int) []int {
    composite := make([]bool, limit+1)
    primes := []int{}
    for p := 2; p <= limit; p++ {
        if composite[p] {
            continue
        }
        primes = append(primes, p)
        for m := p * p; m <= limit; m += p {
            composite[m] = true
        }
    }
    return primes
}''',
    r'''func Counter() func() int {
    // each call returns the next number
    count := 0
    return func() int {
        count += 1
        return count
    }
}

/* Apply calls f on every element. */
func Apply(xs []int, f func(int) int) {
    for i := range xs {
        xs[i] = f(xs[i])
    }
}''',
    r'''func Mean(values []float64) (mean float64, ok bool) {
    var sum, n float64
    for _, v := range values {
        sum += v
        n++
    }
    if n == 0 {
        return 0, false
    }
    mean = sum / n
    ok = true
    return
}''',
]]

C = [
    r'''int sum(const int *values, int n) {
    int total = 0;
    int i;
    for (i = 0; i < n; i++) {
        total += values[i];
    }
    return total;
}''',
    r'''const char *classify(int n) {
    const char *kind;
    if (n < 0) {
        kind = "negative";
    } else if (n == 0) {
        kind = "zero";
    } else {
        kind = "positive";
    }
    return kind;
}''',
    r'''#include <stdio.h>
#define MAX 100

int main(void) {
    int a = 0, b = 1, next;
    while (a < MAX) {
        printf("%d\n", a);
        next = a + b;
        a = b;
        b = next;
    }
    return 0;
}''',
    r'''void reverse(int *data, int n) {
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        int tmp = data[i];
        data[i] = data[j];
        data[j] = tmp;
    }
}''',
    r'''unsigned gcd(unsigned a, unsigned b) {
    unsigned t;
    while (b != 0) {
        t = b;
        b = a % b;
        a = t;
    }
    int k = 5;
    do {
        k -= 2;
        --k;
    } while (k > 0);
    return a;
}''',
    r'''void greet(const char *name) {
    const char *fr = "Grüße, café é";
    const char *zh = "你好，中文";
    const char *emoji = "ok 👍";
    char tab = '\t', quote = '\'';
    printf("%s %s %s %s\t\"%c%c\"\n\\", fr, name, zh, emoji, tab, quote);
}''',
    r'''double flaeche(double größe, double höhe) {
    double ergebnis = größe * höhe;
    int zähler = 0;
    while (ergebnis > 100.0) {
        ergebnis /= 2;
        zähler++;
    }
    return ergebnis + zähler;
}''',
    r'''struct node {
    int value;
    struct node *next;
};

int list_length(const struct node *head) {
    int length = 0;
    const struct node *p;
    for (p = head; p != NULL; p = p->next) {
        length++;
    }
    return length;
}''',
    r'''int count_words(const char *s) {
    int words = 0, in_word = 0;
    /* a word is a run of non-space characters */
    while (*s) {
        if (*s == ' ' || *s == '\n' || *s == '\t') {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++; // a new word starts here
        }
        s++;
    }
    return words;
}''',
    r'''const char *day_name(int day) {
    const char *name;
    switch (day) {
    case 0:
    case 6:
        name = "weekend";
        break;
    default:
        name = "weekday";
    }
    return name;
}''',
    r'''unsigned hash(const char *key) {
    unsigned h = 2166136261u;
    unsigned char c;
    while ((c = (unsigned char)*key++) != 0) {
        h ^= c;
        h *= 16777619u;
    }
    h <<= 1;
    h |= 1;
    return h % 1024;
}''',
    _tabs(r'''void matrix_product(int n, double a[n][n], double b[n][n], double out[n][n]) {
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int k = 0; k < n; k++)
                acc += a[i][k] * b[k][j];
            out[i][j] = acc;
        }
    }
}'''),
    r'''int *find_max(int *values, size_t n) {
    int *best = NULL;
    size_t i = 0;
    while (i < n) {
        if (best == NULL || values[i] > *best)
            best = &values[i];
        i += 1;
    }
    return best;
}''',
]

CPP = [
    r'''int sum(const std::vector<int>& values) {
    int total = 0;
    for (auto v : values) {
        total += v;
    }
    for (std::size_t i = 0; i < values.size(); i++) {
        total -= values[i] / 2;
    }
    return total;
}''',
    r'''std::string classify(int n) {
    std::string kind;
    if (n < 0) {
        kind = "negative";
    } else if (n == 0) {
        kind = "zero";
    } else {
        kind = "positive";
    }
    return kind;
}''',
    r'''std::map<std::string, int> word_counts(const std::string& text) {
    std::map<std::string, int> counts;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        ++counts[word];
    }
    for (const auto& [key, n] : counts) {
        total += n;
    }
    return counts;
}''',
    r'''template <typename T>
T max_of(const std::vector<T>& xs) {
    T best = xs.front();
    for (const T& x : xs) {
        if (x > best) best = x;
    }
    return best;
}''',
    r'''class Counter {
public:
    explicit Counter(int start = 0) : count_(start) {}
    int increment(int by) {
        count_ += by;
        calls_++;
        return count_;
    }
private:
    int count_;
    int calls_ = 0;
};''',
    r'''std::string greet(const std::string& name) {
    std::string fr = "Grüße, café é";
    auto zh = u8"你好，中文";
    const char* emoji = "ok 👍";
    char tab = '\t';
    std::string raw = R"(C:\raw "kept")";
    return fr + name + zh + emoji + tab + "\t\"q\"\n\\" + raw;
}''',
    r'''double fläche(double größe, double höhe) {
    double ergebnis = größe * höhe;
    int zähler{0};
    while (ergebnis > 100.0) {
        ergebnis /= 2;
        zähler++;
    }
    return ergebnis + zähler;
}''',
    r'''void sort_desc(std::vector<int>& v) {
    auto cmp = [](int a, int b) { return a > b; };
    std::sort(v.begin(), v.end(), cmp);
    int swaps = 0, passes;
    passes = 0;
    do {
        passes++;
        swaps += passes;
    } while (passes < 3);
}''',
    r'''namespace geo {
struct Point { double x, y; };

double perimeter(const std::vector<Point>& pts) {
    double len = 0.0;
    for (std::size_t i = 0, n = pts.size(); i < n; ++i) {
        const Point& a = pts[i];
        const Point& b = pts[(i + 1) % n];
        len += std::hypot(b.x - a.x, b.y - a.y);
    }
    return len;
}
}  // namespace geo''',
    r'''int parse_or(const std::string& s, int fallback) {
    int value;
    try {
        value = std::stoi(s);
    } catch (const std::exception& e) {
        value = fallback;
    }
    value <<= 1;
    value |= 1;
    return value;
}''',
    r'''std::unique_ptr<Node> build(int depth) {
    auto root = std::make_unique<Node>();
    Node* cur = root.get();
    // a chain, one node per level
    for (int d = 0; d < depth; d++) {
        cur->next = std::make_unique<Node>();
        cur = cur->next.get();
        cur->value = d * d;
    }
    return root;
}''',
    _tabs(r'''int gcd(int a, int b) {
    while (b != 0) {
        int t = b;
        b = a % b;
        a = t;
    }
    return a;
}'''),
]

C_SHARP = [
    r'''public static int Sum(int[] values)
{
    int total = 0;
    for (int i = 0; i < values.Length; i++)
    {
        total += values[i];
    }
    return total;
}''',
    r'''string Classify(int n)
{
    string kind;
    if (n < 0)
    {
        kind = "negative";
    }
    else if (n == 0)
    {
        kind = "zero";
    }
    else
    {
        kind = "positive";
    }
    return kind;
}''',
    r'''public Dictionary<string, int> WordCounts(IEnumerable<string> words)
{
    var counts = new Dictionary<string, int>();
    foreach (var raw in words)
    {
        var word = raw.ToLowerInvariant();
        counts.TryGetValue(word, out int n);
        counts[word] = n + 1;
    }
    return counts;
}''',
    r'''int Gcd(int a, int b)
{
    while (b != 0)
    {
        int t = b;
        b = a % b;
        a = t;
    }
    int k = 5;
    do { k -= 2; k--; } while (k > 0);
    return a;
}''',
    r'''public class Counter
{
    private int count;
    public string Name { get; }

    public Counter(string name, int start = 0)
    {
        Name = name;
        count = start;
    }

    public int Increment(int by = 1)
    {
        count += by;
        return count;
    }
}''',
    r'''string Greet(string name)
{
    var fr = "Grüße, café é";
    var zh = "你好，中文";
    var emoji = "ok 👍";
    var verbatim = @"C:\raw ""kept""";
    char tab = '\t', quote = '\'';
    return $"{fr} {name} {zh} {emoji}\t\"q\"\n\\ {verbatim}" + tab + quote;
}''',
    r'''double Fläche(double größe, double höhe)
{
    double ergebnis = größe * höhe;
    int zähler = 0;
    while (ergebnis > 100.0)
    {
        ergebnis /= 2;
        zähler++;
    }
    return ergebnis + zähler;
}''',
    r'''List<int> Primes(int limit)
{
    var composite = new bool[limit + 1];
    var found = new List<int>();
    for (int p = 2; p <= limit; p++)
    {
        if (composite[p]) continue;
        found.Add(p);
        for (long m = (long)p * p; m <= limit; m += p)
            composite[m] = true;
    }
    return found;
}''',
    r'''IEnumerable<string> LongNames(IEnumerable<Person> people, int min = 5)
{
    // names longer than `min`, sorted
    var names = people.Where(p => p.Name.Length > min)
                      .Select(p => p.Name.Trim())
                      .OrderBy(n => n);
    /* materialise once */
    var list = names.ToList();
    return list;
}''',
    r'''int Parse(string s, int fallback)
{
    int value;
    try
    {
        value = int.Parse(s);
    }
    catch (FormatException)
    {
        value = fallback;
    }
    value <<= 1;
    value |= 1;
    return value;
}''',
    r'''string DayName(int day)
{
    string name;
    switch (day)
    {
        case 0:
        case 6:
            name = "weekend";
            break;
        default:
            name = "weekday";
            break;
    }
    return name;
}''',
    _tabs(r'''void Reverse(int[] data)
{
    for (int i = 0, j = data.Length - 1; i < j; i++, j--)
    {
        (data[i], data[j]) = (data[j], data[i]);
    }
}'''),
]

PHP = [
    r'''<?php
function sum(array $values, $start = 0) {
    $total = $start;
    for ($i = 0; $i < count($values); $i++) {
        $total += $values[$i];
    }
    return $total;
}''',
    r'''<?php
function classify($n) {
    if ($n < 0) {
        $kind = "negative";
    } elseif ($n == 0) {
        $kind = "zero";
    } else if ($n > 100) {
        $kind = "large";
    } else {
        $kind = "positive";
    }
    return $kind;
}''',
    r'''<?php
function wordCounts($text) {
    $counts = [];
    foreach (preg_split('/\s+/', $text) as $word) {
        $word = strtolower($word);
        $counts[$word] = ($counts[$word] ?? 0) + 1;
    }
    foreach ($counts as $key => $n) {
        if ($n < 2) unset($counts[$key]);
    }
    return $counts;
}''',
    r'''<?php
function gcd($a, $b) {
    while ($b != 0) {
        $t = $b;
        $b = $a % $b;
        $a = $t;
    }
    $k = 5;
    do {
        $k -= 2;
        $k--;
    } while ($k > 0);
    return $a;
}''',
    r'''<?php
function greet($name, $lang = 'fr') {
    $words = ['fr' => "Grüße, café é", 'zh' => "你好，中文", 'emoji' => "ok 👍"];
    $text = $words[$lang] ?? 'Hello';
    $text .= ", {$name}!\t\"q\"\n\\ \u{e9}";
    $single = 'it\'s $notInterpolated';
    return $text . $single;
}''',
    r'''<?php
function fläche($größe, $höhe = 2) {
    $ergebnis = $größe * $höhe;
    $zähler = 0;
    while ($ergebnis > 100) {
        $ergebnis /= 2;
        ++$zähler;
    }
    return $ergebnis + $zähler;
}''',
    r'''<?php
class Counter {
    private $count;

    public function __construct($start = 0) {
        $this->count = $start;
    }

    public function increment($by = 1) {
        $this->count += $by;
        return $this->count;
    }
}''',
    r'''<?php
function parseQuery($query) {
    $params = [];
    // strip the question mark
    $query = ltrim($query, '?');
    # split on ampersands
    foreach (explode('&', $query) as $part) {
        list($key, $value) = array_pad(explode('=', $part, 2), 2, '');
        $params[urldecode($key)] = urldecode($value);
    }
    /* drop empty keys */
    unset($params['']);
    return $params;
}''',
    r'''<?php
function dayName($day) {
    switch ($day) {
        case 0:
        case 6:
            $name = 'weekend';
            break;
        default:
            $name = 'weekday';
    }
    return $name;
}''',
    r'''<?php
function primes($limit) {
    $composite = array_fill(0, $limit + 1, false);
    $found = [];
    for ($p = 2; $p <= $limit; $p++) {
        if ($composite[$p]) continue;
        $found[] = $p;
        for ($m = $p * $p; $m <= $limit; $m += $p) {
            $composite[$m] = true;
        }
    }
    return $found;
}''',
    r'''<?php
function render(array $rows) {
    $html = <<<HTML
<table class="grid">
HTML;
    $double = fn($x) => $x * 2;
    $mapped = array_map(function ($row) use ($double) {
        return $double(count($row));
    }, $rows);
    $html .= implode("\n", $mapped);
    return $html;
}''',
    _tabs(r'''<?php
function flags($options) {
    $mask = 0;
    $mask |= 4;
    $mask <<= 1;
    $mask **= 1;
    $name = $options['name'] ?? null;
    $name ??= 'default';
    return [$mask, $name];
}'''),
]

RUBY = [
    r'''def fibonacci(limit)
  a, b = 0, 1
  series = []
  while a < limit
    series << a
    a, b = b, a + b
  end
  series
end''',
    r'''def grade(score)
  if score >= 90
    letter = "A"
  elsif score >= 80
    letter = "B"
  elsif score >= 70
    letter = "C"
  else
    letter = "F"
  end
  bonus = 0
  bonus += 10 if letter == "A"
  [letter, score + bonus]
end''',
    r'''def total(values, start: 0, scale: 1)
  sum = start
  for v in values
    sum += v * scale
  end
  sum
end''',
    r'''def countdown(n)
  steps = []
  until n.zero?
    steps << n
    n -= 1
  end
  x = 1
  x *= 2 while x < 100
  y = 50
  y -= 7 until y < 0
  [steps, x, y]
end''',
    r'''def describe(value)
  kind = case value
         when Integer then "integer"
         when String, Symbol
           "text"
         when nil
           "nothing"
         else
           "other"
         end
  label = kind
  label += "!" unless value.nil?
  label
end''',
    r'''def greet(name, lang: "fr")
  words = { "fr" => "Grüße, café é", "zh" => "你好，中文", "emoji" => "ok 👍" }
  text = words.fetch(lang, "Hello") + ", #{name}!"
  text += "\t\"q\"\n\\ \u00e9"
  single = 'it\'s #{not_interpolated}'
  text + single
end''',
    r'''def fläche(größe, höhe = 2)
  ergebnis = größe * höhe
  zähler = 0
  while ergebnis > 100
    ergebnis /= 2
    zähler += 1
  end
  ergebnis + zähler
end''',
    r'''class Account
  attr_reader :balance

  # a new account, empty unless told otherwise
  def initialize(owner, balance: 0)
    @owner = owner
    @balance = balance
    @history = []
  end

  def deposit(amount)
    raise ArgumentError, "amount must be positive" if amount <= 0
    @balance += amount
    @history << [:deposit, amount]
    @balance
  end
end''',
    r'''def word_counts(text)
  counts = Hash.new(0)
  text.split.each do |word|
    word = word.downcase
    counts[word] += 1
  end
  counts.select { |_, n| n > 1 }
end''',
    r'''def unless_example(items)
  result = nil
  unless items.empty?
    result = items.first
  else
    result = :none
  end
  cache ||= {}
  cache[:first] = result
  first, *rest = items
  [result, first, rest]
end''',
    r'''def binary_search(values, target)
  lo, hi = 0, values.length - 1
  while lo <= hi
    mid = (lo + hi) / 2
    if values[mid] == target
      return mid
    elsif values[mid] < target
      lo = mid + 1
    else
      hi = mid - 1
    end
  end
  -1
end''',
    r'''def matrix(n, m)
  rows = []
  for i in 0...n
    row = []
    for j in 0...m
      row << i * j
    end
    rows << row
  end
  squares = rows.flatten.map { |x| x * x }
  evens = squares.select(&:even?)
  [rows, evens]
end''',
    _tabs(r'''def retry_times(limit)
    attempt = 0
    begin
        attempt += 1
        result = yield attempt
    rescue StandardError => error
        retry if attempt < limit
        result = error.message
    end
    result
end'''),
]

RUST = [
    r'''fn sum(values: &[i32]) -> i32 {
    let mut total = 0;
    for v in values {
        total += v;
    }
    total
}''',
    r'''fn classify(n: i32) -> &'static str {
    let kind;
    if n < 0 {
        kind = "negative";
    } else if n == 0 {
        kind = "zero";
    } else {
        kind = "positive";
    }
    kind
}''',
    r'''fn fibonacci(limit: u64) -> Vec<u64> {
    let (mut a, mut b) = (0, 1);
    let mut series = Vec::new();
    while a < limit {
        series.push(a);
        let next = a + b;
        a = b;
        b = next;
    }
    series
}''',
    r'''fn first_even(values: &[i32]) -> Option<i32> {
    let mut iter = values.iter();
    while let Some(&v) = iter.next() {
        if v % 2 == 0 {
            return Some(v);
        }
    }
    None
}''',
    r'''fn describe(value: Option<i32>) -> String {
    let label = match value {
        Some(0) => String::from("zero"),
        Some(n) if n < 0 => format!("negative {}", n),
        Some(n) => {
            let doubled = n * 2;
            format!("positive {}", doubled)
        }
        None => "nothing".to_string(),
    };
    label
}''',
    r'''fn parse_port(text: &str) -> u16 {
    let mut port = 8080;
    if let Ok(n) = text.trim().parse::<u16>() {
        port = n;
    } else if let Some(rest) = text.strip_prefix(':') {
        port = rest.parse().unwrap_or(port);
    }
    port
}''',
    r'''fn countdown(mut n: u32) -> Vec<u32> {
    let mut steps = Vec::new();
    loop {
        if n == 0 {
            break;
        }
        steps.push(n);
        n -= 1;
    }
    steps
}''',
    r'''fn greet(name: &str) -> String {
    let fr = "Grüße, café é";
    let zh = "你好，中文";
    let emoji = "ok 👍";
    let raw = r#"C:\raw "kept""#;
    let tab = '\t';
    let escaped = "\t\"q\"\n\\ \u{e9}";
    format!("{} {} {} {} {} {}{}", fr, name, zh, emoji, raw, tab, escaped)
}''',
    r'''fn fläche(größe: f64, höhe: f64) -> f64 {
    let mut ergebnis = größe * höhe;
    let mut zähler = 0;
    while ergebnis > 100.0 {
        ergebnis /= 2.0;
        zähler += 1;
    }
    ergebnis + zähler as f64
}''',
    r'''fn word_counts(text: &str) -> HashMap<String, usize> {
    // count each lowercase word
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        let word = word.to_lowercase();
        *counts.entry(word).or_insert(0) += 1;
    }
    /* keep the repeated ones */
    counts.retain(|_, n| *n > 1);
    counts
}''',
    r'''impl Stack {
    fn push(&mut self, value: i32) -> usize {
        if self.items.len() >= self.capacity {
            self.capacity *= 2;
        }
        self.items.push(value);
        self.pushes += 1;
        self.items.len()
    }
}''',
    r'''fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = b;
        b = a % b;
        a = t;
    }
    let squares: Vec<u64> = (1..=a).map(|x| x * x).filter(|x| x % 2 == 0).collect();
    let mut flags = 0u8;
    flags |= 4;
    flags <<= 1;
    a + squares.len() as u64 + flags as u64
}''',
    _tabs(r'''fn read_lines(path: &str) -> std::io::Result<Vec<String>> {
    let file = File::open(path)?;
    let mut lines = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        lines.push(line);
    }
    Ok(lines)
}'''),
]

SNIPPETS: dict[str, list[str]] = {
    "python": PYTHON, "java": JAVA, "javascript": JAVASCRIPT, "go": GO, "c": C, "cpp": CPP,
    "c_sharp": C_SHARP, "php": PHP, "ruby": RUBY, "rust": RUST,
}

_STRAY = "@$`(}#;\\'\""


def mutations(code: str) -> list[str]:
    """Return broken variants of `code`, the same every run: a middle line dropped, a middle
    line duplicated, the code cut off half-way, the middle closing bracket deleted, and a
    stray character inserted (where and which chosen by the code's checksum)."""
    lines = code.split("\n")
    mid = len(lines) // 2
    variants = [
        "\n".join(lines[:mid] + lines[mid + 1:]),
        "\n".join(lines[:mid + 1] + lines[mid:]),
        code[:len(code) // 2],
    ]
    closing = [i for i, char in enumerate(code) if char in ")]}"]
    if closing:
        at = closing[len(closing) // 2]
        variants.append(code[:at] + code[at + 1:])
    checksum = zlib.crc32(code.encode("utf-8"))
    at = checksum % (len(code) + 1)
    variants.append(code[:at] + _STRAY[checksum % len(_STRAY)] + code[at:])
    return [variant for variant in dict.fromkeys(variants) if variant != code]
