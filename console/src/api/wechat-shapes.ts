import { z } from 'zod';

/**
 * WeChat's own objects the admin API passes through untyped (templates, drafts, versions):
 * parsed here so a page never reads a field that is not there.
 */
export const DraftSchema = z.looseObject({
  draft_id: z.coerce.number(),
  user_version: z.string().default(''),
  user_desc: z.string().default(''),
  create_time: z.number().optional(),
  source_miniprogram: z.string().optional(),
  developer: z.string().optional(),
});
export type Draft = z.infer<typeof DraftSchema>;

/** A template is the draft it was made from, with its own id (the draft id stays optional). */
export const TemplateSchema = DraftSchema.extend({
  template_id: z.coerce.number(),
  draft_id: z.coerce.number().optional(),
  template_type: z.number().optional(),
});
export type Template = z.infer<typeof TemplateSchema>;

export const HistoryVersionSchema = z.looseObject({
  app_version: z.coerce.string(),
  user_version: z.string().default(''),
  user_desc: z.string().default(''),
  commit_time: z.number().optional(),
});
export type HistoryVersion = z.infer<typeof HistoryVersionSchema>;

export const parseList = <T>(schema: z.ZodType<T>, items: unknown[]): T[] => items.flatMap((item) => {
  const parsed = schema.safeParse(item);
  return parsed.success ? [parsed.data] : [];
});

const QuotaFields = { modify_used_count: z.number().optional(), modify_quota: z.number().optional() };
/** getaccountbasicinfo: what WeChat shows now, which may differ from the registry until the next sync. */
export const BasicInfoSchema = z.looseObject({
  nickname_info: z.looseObject({ nickname: z.string().default(''), ...QuotaFields }).optional(),
  signature_info: z.looseObject({ signature: z.string().default(''), ...QuotaFields }).optional(),
  head_image_info: z.looseObject({ head_image_url: z.string().default(''), ...QuotaFields }).optional(),
  principal_name: z.string().optional(),
});
export type BasicInfo = z.infer<typeof BasicInfoSchema>;
