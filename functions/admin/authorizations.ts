import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { AUTH_TYPES } from '../lib/authorization/authorization-links';
import { parseJsonBody } from '../lib/http/body';
import { httpErrorHandler } from '../lib/http/error-handler';
import { json, type HttpResponse } from '../lib/http/responses';
import { componentServices } from '../lib/platform';

const CreateAuthorizationRequest = z
  .object({
    authType: z.enum(Object.keys(AUTH_TYPES) as [keyof typeof AUTH_TYPES, ...(keyof typeof AUTH_TYPES)[]]).default('mini_program'),
    bizAppId: z.string().regex(/^wx[0-9a-f]{16}$/i, 'bizAppId must be a WeChat AppID (wx + 16 hex digits)').optional(),
  })
  .strict();

/** `POST /admin/authorizations`: a new pre_auth_code as PC and mobile authorization links. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(httpErrorHandler())
  .handler(async (event) => {
    const request = parseJsonBody(event, CreateAuthorizationRequest);
    const { authorization } = await componentServices();
    return json(201, await authorization.createAuthorizationLinks(request));
  });
