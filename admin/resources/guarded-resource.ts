/**
 * The Mongoose adapter of AdminJS with secret paths cut out at the data layer. Whatever a page,
 * a custom action, a reference lookup or a crafted API call asks for, a record built here never
 * carries those paths, no filter or sort can probe them, and no form can write them. Hiding a
 * property in the UI would not be enough: AdminJS sends every record param to the browser.
 */
import { BaseRecord, type Filter } from 'adminjs';
import { Property, Resource as MongooseResource } from '@adminjs/mongoose';
import type { Model } from 'mongoose';

type Params = Record<string, unknown>;
interface SortOptions { sortBy?: string; direction?: 'asc' | 'desc' }
interface FindOptions { limit?: number; offset?: number; sort?: SortOptions }

export class GuardedResource extends MongooseResource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(model: Model<any>, private readonly hiddenPaths: readonly string[] = []) {
    super(model);
  }

  /** True for a hidden path itself and for anything under it (`accessToken.data`). */
  isHidden(path: string): boolean {
    return this.hiddenPaths.some((hidden) => path === hidden || path.startsWith(`${hidden}.`));
  }

  override properties(): Property[] {
    return super.properties().filter((property) => !this.isHidden(property.path()));
  }

  /**
   * Also resolves paths inside single nested schemas (`error.code`), which the adapter does not,
   * so such fields can be filtered on; the returned property answers with its full path.
   */
  override property(path: string): Property {
    if (this.isHidden(path)) return null as unknown as Property;
    const direct = this.properties().find((property) => property.path() === path);
    if (direct) return direct;
    const parent = this.properties().find((property) => path.startsWith(`${property.path()}.`) && property.type() === 'mixed');
    const child = parent?.subProperties().find((sub) => `${parent.path()}.${sub.path()}` === path);
    if (!child) return null as unknown as Property;
    // The child's schema type, seen under its full path.
    return new Property(Object.assign(Object.create(child.mongoosePath), { path }));
  }

  override async count(filter: Filter): Promise<number> {
    return super.count(this.safeFilter(filter));
  }

  override async find(filter: Filter, options: FindOptions): Promise<BaseRecord[]> {
    const sort = options.sort?.sortBy && (this.isHidden(options.sort.sortBy) || !this.property(options.sort.sortBy))
      ? { sortBy: '_id', direction: options.sort.direction ?? 'desc' }
      : options.sort;
    const records: BaseRecord[] = await super.find(this.safeFilter(filter), { ...options, sort });
    return records.map((record) => this.scrub(record));
  }

  /** Null for a missing record (the adapter would build an empty one). */
  override async findOne(id: string): Promise<BaseRecord> {
    const doc = await this.MongooseModel.findById(id);
    if (!doc) return null as unknown as BaseRecord;
    return this.scrub(new BaseRecord(MongooseResource.stringifyId(doc), this));
  }

  override async findMany(ids: string[]): Promise<BaseRecord[]> {
    return (await super.findMany(ids)).map((record) => this.scrub(record));
  }

  override build(params: Params): BaseRecord {
    return super.build(this.withoutHidden(params));
  }

  override async create(params: Params): Promise<Params> {
    return this.withoutHidden(await super.create(this.withoutHidden(params)));
  }

  override async update(id: string, params: Params): Promise<Params> {
    return this.withoutHidden(await super.update(id, this.withoutHidden(params)));
  }

  private withoutHidden(params: Params | null | undefined): Params {
    return Object.fromEntries(Object.entries(params ?? {}).filter(([key]) => !this.isHidden(key)));
  }

  private scrub(record: BaseRecord): BaseRecord {
    if (record) record.params = this.withoutHidden(record.params);
    return record;
  }

  /** Drops conditions on hidden or unknown paths (the adapter would crash on an unknown one). */
  private safeFilter(filter: Filter | null | undefined): Filter {
    if (!filter) return filter as unknown as Filter;
    for (const [path, condition] of Object.entries(filter.filters ?? {})) {
      if (this.isHidden(path) || !condition.property) delete filter.filters[path];
    }
    return filter;
  }
}
