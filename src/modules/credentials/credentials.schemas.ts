/** Request and response schemas of /v1/credentials. Secrets appear in requests only. */
import { z } from 'zod';

const MetaId = (what: string) => z.string().trim().regex(/^\d{5,25}$/, `must be Meta's numeric ${what} (digits only)`);

/** System User tokens are long opaque strings (typically starting "EAA"); this rejects obvious mistakes only. */
const AccessToken = z.string()
  .min(20, 'is too short to be a Meta access token')
  .max(2048, 'is too long to be a Meta access token')
  .regex(/^[A-Za-z0-9_\-.|]+$/, 'must be the token itself: letters and digits without spaces or "Bearer"');

const AppSecret = z.string().regex(/^[a-f0-9]{32}$/i, 'must be the 32-character hexadecimal app secret from the app dashboard');

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const MessagesPerSecond = z.number().int('must be a whole number').min(1, 'must be between 1 and 1000').max(1000, 'must be between 1 and 1000');

export const CreateCredentialBody = z.strictObject({
  name: Name.optional(),
  wabaId: MetaId('WhatsApp Business Account id'),
  phoneNumberId: MetaId('phone number id'),
  accessToken: AccessToken,
  appId: MetaId('app id').optional(),
  appSecret: AppSecret.optional(),
  messagesPerSecond: MessagesPerSecond.optional(),
});
export type CreateCredentialInput = z.infer<typeof CreateCredentialBody>;

export const UpdateCredentialBody = z.strictObject({
  name: Name.optional(),
  accessToken: AccessToken.optional(),
  appSecret: AppSecret.nullable().optional(),
  messagesPerSecond: MessagesPerSecond.nullable().optional(),
}).refine((body) => Object.keys(body).length > 0, { message: 'must change at least one of name, accessToken, appSecret, messagesPerSecond' });
export type UpdateCredentialInput = z.infer<typeof UpdateCredentialBody>;

export const CredentialStatus = z.enum(['pending', 'connected', 'invalid', 'error']);

export const CredentialView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  wabaId: z.string(),
  phoneNumberId: z.string(),
  appId: z.string().nullable(),
  hasAppSecret: z.boolean(),
  messagesPerSecond: z.number().nullable(),
  status: CredentialStatus,
  webhook: z.object({ url: z.string(), verifyToken: z.string() }),
  phone: z.object({
    displayPhoneNumber: z.string().nullable(),
    verifiedName: z.string().nullable(),
    qualityRating: z.string().nullable(),
    messagingLimitTier: z.string().nullable(),
    throughput: z.object({ level: z.string().nullable(), messagesPerSecond: z.number().nullable() }),
    platformType: z.string().nullable(),
    status: z.string().nullable(),
  }),
  lastCheckedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CredentialViewType = z.infer<typeof CredentialView>;

export const TemplateView = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string().nullable(),
  parameterFormat: z.string(),
  parameters: z.object({
    header: z.number(),
    headerFormat: z.string().nullable(),
    body: z.number(),
    bodyNames: z.array(z.string()).nullable(),
    buttons: z.array(z.object({ index: z.number(), subType: z.string(), count: z.number() })),
  }),
  components: z.unknown(),
  syncedAt: z.string(),
});
