import type { ApiRoute } from '../lib/http/api-route';
import { PLATFORM_ROUTES } from './contract';
import { PAYMENT_ROUTES } from './payment-contract';
import { REGISTRATION_ROUTES } from './registrations-contract';
import { RELEASE_ROUTES } from './releases-contract';
import { TEMPLATE_ROUTES, WEAPP_ROUTES } from './weapp/contract';

/** Every admin route contract, for `/openapi.json` and the deployment manifest. */
export const ADMIN_API_ROUTES: readonly ApiRoute[] = [...Object.values(PLATFORM_ROUTES), ...Object.values(TEMPLATE_ROUTES), ...Object.values(WEAPP_ROUTES), ...Object.values(RELEASE_ROUTES), ...Object.values(REGISTRATION_ROUTES), ...Object.values(PAYMENT_ROUTES)];
