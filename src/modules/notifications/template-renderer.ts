import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Variables every template may use on top of its own `data`. */
export interface TemplateGlobals {
  portalUrl: string;
  teamEmail: string;
  teamPhone: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A template that cannot be rendered (unknown name, missing variable, syntax error): retrying will not help. */
export class TemplateError extends Error {}

type Compiled = (context: Record<string, unknown>) => string;

interface CompiledTemplate {
  subject: Compiled;
  text: Compiled;
  html: Compiled;
}

const TEMPLATE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Renders `templates/<name>.subject.hbs|.text.hbs|.html.hbs` with an isolated Handlebars instance
 * in strict mode (a variable missing from the data is an error, never an empty string). The HTML
 * body goes into `layouts/email.html.hbs`, the text body into `layouts/email.text.hbs`; both layouts
 * carry the footer partials from `partials/`. Subject and text are not HTML-escaped; HTML is.
 * Compiled templates are cached for the life of the renderer.
 */
export class TemplateRenderer {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, CompiledTemplate>();
  private readonly layouts: { html: Compiled; text: Compiled };

  constructor(
    readonly dir: string,
    private readonly globals: TemplateGlobals,
  ) {
    // The one helper: builds a string from parts, e.g. a link for the button partial.
    this.hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    const partialsDir = join(dir, 'partials');
    if (existsSync(partialsDir)) {
      for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
        const name = file.slice(0, -'.hbs'.length);
        const escape = !name.endsWith('-text');
        this.hb.registerPartial(name, this.compile(join(partialsDir, file), escape));
      }
    }
    this.layouts = {
      html: this.compile(join(dir, 'layouts', 'email.html.hbs'), true),
      text: this.compile(join(dir, 'layouts', 'email.text.hbs'), false),
    };
  }

  /** Names of every template in the folder (those with a `.subject.hbs`). */
  templateNames(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.subject.hbs'))
      .map((f) => f.slice(0, -'.subject.hbs'.length))
      .sort();
  }

  /** The sample data shipped with a template (`<name>.sample.json`). */
  sampleData(name: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(this.dir, `${name}.sample.json`), 'utf8')) as Record<string, unknown>;
  }

  /** Source text of a template's three parts (for static checks of the variables it uses). */
  sources(name: string): { subject: string; text: string; html: string } {
    this.assertName(name);
    const read = (part: string) => readFileSync(join(this.dir, `${name}.${part}.hbs`), 'utf8');
    return { subject: read('subject'), text: read('text'), html: read('html') };
  }

  render(name: string, data: Record<string, unknown>): RenderedEmail {
    const template = this.load(name);
    // Globals win over data of the same name: a caller cannot point links elsewhere.
    const context = { ...data, ...this.globals };
    try {
      const subject = template.subject(context).replace(/\s+/g, ' ').trim();
      const textBody = template.text(context).trim();
      const htmlBody = template.html(context);
      return {
        subject,
        text: `${this.layouts.text({ ...context, body: textBody }).trim()}\n`,
        html: this.layouts.html({ ...context, subject, body: htmlBody }),
      };
    } catch (error) {
      throw new TemplateError(`template "${name}": ${(error as Error).message}`);
    }
  }

  private load(name: string): CompiledTemplate {
    const cached = this.cache.get(name);
    if (cached) return cached;
    this.assertName(name);
    const path = (part: string) => join(this.dir, `${name}.${part}.hbs`);
    if (!existsSync(path('subject'))) throw new TemplateError(`unknown template "${name}"`);
    const compiled: CompiledTemplate = {
      subject: this.compile(path('subject'), false),
      text: this.compile(path('text'), false),
      html: this.compile(path('html'), true),
    };
    this.cache.set(name, compiled);
    return compiled;
  }

  private assertName(name: string): void {
    if (!TEMPLATE_NAME.test(name)) throw new TemplateError(`invalid template name "${name}"`);
  }

  private compile(file: string, escape: boolean): Compiled {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      throw new TemplateError(`missing template file ${file}`);
    }
    try {
      const compiled = this.hb.compile(source, { strict: true, noEscape: !escape });
      // Compile now so syntax errors surface at load, not at the first send.
      this.hb.precompile(source, { strict: true, noEscape: !escape });
      return compiled;
    } catch (error) {
      throw new TemplateError(`${file}: ${(error as Error).message}`);
    }
  }
}

const PATH_NODES = new Set(['PathExpression']);

/**
 * Every variable a template source reads (`{{a.b}}` gives `a.b`, `{{#each xs}}{{y}}` gives `xs`, `y`),
 * from the Handlebars syntax tree. Helper and partial names are left out.
 */
export function templateVariables(source: string): string[] {
  const found = new Set<string>();
  const helpers = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'else', 'concat']);
  const visit = (node: unknown, asCallee = false): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as Record<string, unknown> & { type?: string };
    if (n.type && PATH_NODES.has(n.type)) {
      const original = String(n.original ?? '');
      if (!(asCallee && helpers.has(original)) && original !== 'this' && original !== '.') {
        found.add(original.replace(/^(?:\.\.\/)+/, '').replace(/^this\./, ''));
      }
      return;
    }
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      visit(n.params);
      visit(n.hash);
      visit((n as { program?: unknown }).program);
      return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (
        key === 'loc' ||
        key === 'strip' ||
        key === 'openStrip' ||
        key === 'closeStrip' ||
        key === 'inverseStrip'
      )
        continue;
      visit(value, key === 'path');
    }
  };
  visit(Handlebars.parse(source));
  return [...found].sort();
}
